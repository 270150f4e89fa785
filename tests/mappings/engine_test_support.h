// Shared by the mapping engine suites (engine_guide_test.cpp, engine_compiler_test.cpp,
// engine_runner_test.cpp): temp folders and files, the guide's code tables, compiling a mapping from a
// string, rows from the real readers, mapping a batch, and reading a record's fields as the guide shows them.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/rows/row_readers.h"
#include "mappings/engine/compiled_mapping.h"
#include "mappings/engine/mapping_compiler.h"

namespace govsync::mapping {
std::ostream& operator<<(std::ostream& os, RowOutcome::Kind k);
}  // namespace govsync::mapping

namespace govsync::mapping::engine_test {

// A new temp folder, removed when the test program exits.
std::string makeTempDir();

void writeFile(const std::string& path, const std::string& text);

// The code tables the guide's examples use: rows copied from mappings/codes (same header, same labels).
const std::string& guideCodesDir();

std::shared_ptr<const CompiledMapping> compile(const std::string& name, const std::string& text,
                                               const std::string& codesDir = guideCodesDir());

// The problems of a mapping that must not compile (fails the test if it compiles).
std::vector<CompileProblem> problemsOf(const std::string& name, const std::string& text,
                                       const std::string& codesDir = guideCodesDir());

RowBatch jsonRows(std::string_view ndjson);

RowBatch csvRows(std::string_view csv, char delimiter = ',');

// Maps every row of `batch`.
std::vector<RowOutcome> mapAll(const std::shared_ptr<const CompiledMapping>& m, const RowBatch& batch,
                               MappingStats* stats = nullptr);

std::string describe(const RowOutcome& o);

// A field of a record as the guide shows it: text as is, numbers and booleans as written, instants in
// RFC 3339, enums by name, lists as ["a", "b"], map entries by "extensions.KEY". nullopt when not set.
std::optional<std::string> fieldText(const schema::Record& r, const std::string& target);

// fieldText as a printable string: "<unset>" when the field is not set.
inline const std::string kUnset = "<unset>";
std::string field(const schema::Record& r, const std::string& target);

// The guide's mapping with seven mistakes (guide §11); every one is reported, with its line and column.
// Shown in the guide (engine_guide_test.cpp) and compiled by engine_compiler_test.cpp.
inline const char* const kSevenMistakes =
    "mapping: hotline_12345\n"                                                                   // 1
    "kind: CASE\n"                                                                               // 2
    "source_system: hotline_12345\n"                                                             // 3
    "encoding: gb18030\n"                                                                        // 4
    "fields:\n"                                                                                  // 5
    "  source_id: GDBH\n"                                                                        // 6
    "  received_at: {from: SLSJ, do: [trimm, {parse_time: YYYYMMDDhhmmsss}]}\n"                  // 7
    "  title: {from: SQBT, do: [{substring: {start: first}}]}\n"                                 // 8
    "  categry_code: FLBM\n"                                                                     // 9
    "  status: {from: GDZT, do: [{lookup: {table: case_statuses, key: raw, value: status}}]}\n"  // 10
    "  urgency: {from: JJCD, do: [{code_map: {一般: normal, 紧急: urgentt}}]}\n";                // 11

}  // namespace govsync::mapping::engine_test
