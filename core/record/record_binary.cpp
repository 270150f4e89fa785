#include "core/record/record_binary.h"

#include <thrift/TConfiguration.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include "core/util/error.h"

namespace govsync {

using apache::thrift::TConfiguration;
using apache::thrift::protocol::TBinaryProtocolT;
using apache::thrift::transport::TMemoryBuffer;

std::string serializeRecord(const schema::Record& record) {
  auto buffer = std::make_shared<TMemoryBuffer>(512);
  TBinaryProtocolT<TMemoryBuffer> proto(buffer);
  record.write(&proto);
  return buffer->getBufferAsString();
}

schema::Record deserializeRecord(std::string_view bytes) {
  // Limits: a stored record is far below 16 MiB; nesting is 3 levels deep.
  auto config = std::make_shared<TConfiguration>(16 * 1024 * 1024, 16 * 1024 * 1024, 16);
  auto buffer = std::make_shared<TMemoryBuffer>(reinterpret_cast<uint8_t*>(const_cast<char*>(bytes.data())),
                                                static_cast<uint32_t>(bytes.size()), TMemoryBuffer::OBSERVE, config);
  TBinaryProtocolT<TMemoryBuffer> proto(buffer, 16 * 1024 * 1024, 1 << 20, true, true);
  schema::Record r;
  try {
    r.read(&proto);
  } catch (const std::exception& e) {
    throw Error::corrupt(std::string("stored record is not readable: ") + e.what());
  }
  if (buffer->available_read() != 0) throw Error::corrupt("stored record has trailing bytes");
  return r;
}

}  // namespace govsync
