// JSON scanning shared by the file and http connectors: structural
// validation with a precise error, dotted-path lookup, array items as byte
// spans of the original text (so each record keeps its bytes exactly), and
// turning a list of item spans into rows with one bad item reported on its
// own instead of ending the array (readJsonRows cannot resynchronise an
// array; with the item spans we can).
//
// Everything here works on views of the caller's text; nothing is copied
// except the unescaped scalars jsonScalar returns.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/rows/row_readers.h"

namespace govsync::connectors {

/// Outcome of scanning one JSON value.
enum class JsonScan {
  Ok,         ///< a complete value
  Truncated,  ///< the text ended inside the value (more bytes may complete it)
  Invalid,    ///< not JSON
};

/// Scans one JSON value starting at text[pos] (leading whitespace skipped);
/// on Ok `pos` is just past it. On Invalid/Truncated `error` says what and
/// where ("expected ',' or '}' at byte 17"), counting bytes from `base` + 1.
/// `gbMultibyte`: the text is GBK/GB18030, whose trail bytes include ASCII
/// ('[', '\\', ']', '{', '}'): a byte >= 0x81 inside a string consumes its
/// trail byte(s). UTF-8 inside strings is not checked here.
JsonScan scanJsonValue(std::string_view text, size_t& pos, std::string& error, bool gbMultibyte = false,
                       size_t maxDepth = 64, size_t base = 0);

/// True if `text` is exactly one JSON value (whitespace around it allowed).
bool validateJson(std::string_view text, std::string& error, size_t maxDepth = 64);

/// The span of the value at a dotted path ("data.list", "items.0.id") in a
/// valid JSON document; "" = the document itself. nullopt when missing.
std::optional<std::string_view> findJsonPath(std::string_view doc, std::string_view path);

/// A JSON scalar as text: a string unescaped, a number or boolean literal as
/// written; nullopt for null, an object or an array.
std::optional<std::string> jsonScalar(std::string_view value);

/// The items of a valid JSON array value, as spans; empty if not an array.
std::vector<std::string_view> jsonArrayItems(std::string_view array);

/// Whether a valid JSON value is null / an array / an object.
bool jsonIsNull(std::string_view value);
bool jsonIsArray(std::string_view value);
bool jsonIsObject(std::string_view value);

/// Parses each item (a JSON object's text) into a row of `batch` numbered
/// `firstNumber + i`; an item that is not a readable object becomes a
/// RowError with that number and the item's own bytes. Fast path: one
/// readJsonRows call over all items.
void readJsonItems(const std::vector<std::string_view>& items, uint32_t firstNumber, RowBatch& batch,
                   std::vector<RowError>& errors);

/// Adds `delta` to the source row numbers of rows [from, size) of `batch`
/// (the readers number rows from 1 per call; a batch read from the middle of
/// a file must say where in the file its rows are).
void renumberRows(RowBatch& batch, size_t from, uint32_t delta);

/// Appends row `index` of `from` (cells, nulls, lists, raw bytes) to `to`
/// with source row number `number`.
void copyRow(const RowBatch& from, size_t index, RowBatch& to, uint32_t number);

/// True if `s` is valid UTF-8 (no overlongs, surrogates or > U+10FFFF).
bool isValidUtf8(std::string_view s, size_t* badOffset = nullptr);

}  // namespace govsync::connectors
