#include "gateway/service/audit_writer.h"

#include <iostream>
#include <vector>

namespace govsync::gateway {

AuditWriter::AuditWriter(store::Store& store, size_t maxQueued)
    : store_(store), maxQueued_(maxQueued), thread_([this] { run(); }) {}

AuditWriter::~AuditWriter() { stop(); }

void AuditWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  work_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AuditWriter::push(Pending p, bool wait) {
  {
    std::unique_lock lock(mutex_);
    if (stopped_) {
      lock.unlock();
      try {
        store_.appendAudit(p.entry);
        ++written_;
      } catch (...) {
        if (!p.mayDrop) throw;
        ++dropped_;
      }
      return;
    }
    if (queue_.size() >= maxQueued_) {
      if (p.mayDrop) {
        ++dropped_;
        return;
      }
      room_.wait(lock, [&] { return queue_.size() < maxQueued_ || stopped_; });
    }
    queue_.push_back(p);
  }
  work_.notify_one();
  if (!wait) return;
  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] { return p.slot->done; });
  if (p.slot->error) std::rethrow_exception(p.slot->error);
}

void AuditWriter::append(store::AuditEntry entry) { push({std::move(entry), std::make_shared<Slot>(), false}, true); }

void AuditWriter::enqueue(store::AuditEntry entry) { push({std::move(entry), nullptr, false}, false); }

void AuditWriter::post(store::AuditEntry entry) { push({std::move(entry), nullptr, true}, false); }

void AuditWriter::flush() {
  store::AuditEntry marker;
  std::unique_lock lock(mutex_);
  if (stopped_) return;
  auto slot = std::make_shared<Slot>();
  // An empty-actor marker is not written: it only waits for the batch it lands in.
  queue_.push_back({marker, slot, true});
  lock.unlock();
  work_.notify_one();
  lock.lock();
  done_.wait(lock, [&] { return slot->done; });
}

void AuditWriter::run() {
  constexpr size_t kMaxBatch = 1000;
  for (;;) {
    std::vector<Pending> batch;
    {
      std::unique_lock lock(mutex_);
      work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) {
        stopped_ = true;
        room_.notify_all();
        return;
      }
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    room_.notify_all();
    std::vector<store::AuditEntry> entries;
    entries.reserve(batch.size());
    for (const auto& p : batch)
      if (!p.entry.action.empty()) entries.push_back(p.entry);
    std::exception_ptr error;
    std::string failure;
    try {
      store_.appendAuditBatch(entries);
      written_ += entries.size();
    } catch (const std::exception& e) {
      error = std::current_exception();
      failure = e.what();
    } catch (...) {
      error = std::current_exception();
      failure = "unknown error";
    }
    {
      std::lock_guard lock(failureMutex_);
      lastFailure_ = failure;
    }
    {
      std::lock_guard lock(mutex_);
      for (auto& p : batch) {
        if (p.slot) {
          p.slot->done = true;
          p.slot->error = error;
        } else if (error && !p.entry.action.empty()) {
          ++dropped_;
          std::cerr << "govsync: an audit entry (" << p.entry.action << " by " << p.entry.actor
                    << ") could not be written" << std::endl;
        }
      }
    }
    done_.notify_all();
  }
}

void AuditWriter::clearFailure() {
  std::lock_guard lock(failureMutex_);
  lastFailure_.clear();
}

std::string AuditWriter::lastFailure() const {
  std::lock_guard lock(failureMutex_);
  return lastFailure_;
}

}  // namespace govsync::gateway
