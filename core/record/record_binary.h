// The stored form of a record: Thrift binary protocol, read back with the
// same size limits as the Thrift gateway so a damaged row cannot make us
// allocate gigabytes.
#pragma once

#include <string>
#include <string_view>

#include "schema/record_schema.h"

namespace govsync {

std::string serializeRecord(const schema::Record& record);
/// Throws Error(Corrupt) when `bytes` is not a well-formed Record.
schema::Record deserializeRecord(std::string_view bytes);

}  // namespace govsync
