// Writes the audit log for the gateway with group commit: concurrent callers'
// entries are appended in one transaction (the hash chain stays in order), so
// auditing every pull does not cost every pull its own fsync.
//
// append() returns once the entry is durable (pushes, admin actions).
// enqueue() returns at once and the entry is written within milliseconds in
// the next batch (pulls — the hot path; a full queue makes callers wait, it
// never drops). post() is for refusals, whose rate an attacker controls:
// when the queue is full they are dropped and counted (dropped()), never
// allowed to block the server.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "core/store/store.h"

namespace govsync::gateway {

class AuditWriter {
 public:
  explicit AuditWriter(store::Store& store, size_t maxQueued = 10000);
  ~AuditWriter();
  AuditWriter(const AuditWriter&) = delete;
  AuditWriter& operator=(const AuditWriter&) = delete;

  /// Appends `entry` and waits until it is committed; throws what the store
  /// threw.
  void append(store::AuditEntry entry);
  /// Queues `entry`; waits only while the queue is full.
  void enqueue(store::AuditEntry entry);
  /// Queues `entry` without waiting; dropped when the queue is full.
  void post(store::AuditEntry entry);
  /// Waits until everything queued so far is written.
  void flush();
  /// Writes what is queued and stops the writer thread (later appends write
  /// directly).
  void stop();

  uint64_t dropped() const { return dropped_.load(); }
  /// Why the last write failed; "" since the last one that succeeded.
  std::string lastFailure() const;
  /// Forgets the last failure (a check found the log writable again).
  void clearFailure();
  uint64_t written() const { return written_.load(); }

 private:
  struct Slot {
    bool done = false;
    std::exception_ptr error;
  };
  struct Pending {
    store::AuditEntry entry;
    std::shared_ptr<Slot> slot;  ///< null when nobody waits
    bool mayDrop = false;
  };
  void push(Pending pending, bool wait);
  void run();

  store::Store& store_;
  size_t maxQueued_;
  std::mutex mutex_;
  std::condition_variable work_, done_, room_;
  std::deque<Pending> queue_;
  bool stopping_ = false, stopped_ = false;
  mutable std::mutex failureMutex_;
  std::string lastFailure_;  ///< guarded by failureMutex_
  std::atomic<uint64_t> dropped_{0}, written_{0};
  std::thread thread_;
};

}  // namespace govsync::gateway
