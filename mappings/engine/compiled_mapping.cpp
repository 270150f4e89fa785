// MappingRunner: decode → filter → rules → validate, for one row at a time.
#include <charconv>
#include <cmath>
#include <map>
#include <memory>
#include <optional>

#include "core/record/masking.h"
#include "core/record/record_rules.h"
#include "core/util/error.h"
#include "core/util/time.h"
#include "mappings/engine/compiled_mapping.h"

namespace govsync::mapping {

using schema::FieldType;
using schema::Record;

namespace {

bool isAscii(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (w & 0x8080808080808080ULL) return false;
  }
  for (; i < s.size(); ++i)
    if (static_cast<unsigned char>(s[i]) & 0x80) return false;
  return true;
}

// Clears a record for reuse: every optional field unset, storage kept.
// Map fields are filled entry by entry (extensions.KEY), so they are emptied
// too: otherwise one row's entries would show up in the next row's record.
void resetRecord(Record& r) {
  r.__isset = {};
  r.envelope.__isset = {};
  r.case_record.__isset = {};
  r.review.__isset = {};
  r.observation.__isset = {};
  r.envelope.extensions.clear();
  r.observation.attributes.clear();
}

std::string shown(std::string_view s) {
  constexpr size_t kMax = 200;
  return s.size() <= kMax ? std::string(s) : std::string(s.substr(0, kMax)) + "…";
}

bool parseBoolText(std::string_view s, bool& out) {
  s = trimText(s);
  if (s == "true" || s == "1" || s == "是" || s == "Y" || s == "y") return out = true, true;
  if (s == "false" || s == "0" || s == "否" || s == "N" || s == "n") return out = false, true;
  return false;
}

// Converts `v` to the target field's type and stores it. On failure sets
// `error` and leaves the record unchanged.
bool assignField(const Rule& rule, const Value& v, Record& r, EvalContext& ctx, std::string& error) {
  const auto& f = *rule.target;
  switch (f.type) {
    case FieldType::String: {
      if (v.type == ValueType::List) {
        error = "a list cannot fill the text field " + rule.targetName + " (use join)";
        return false;
      }
      const auto text = asText(v, ctx);
      f.mutString(r)->assign(text.data(), text.size());
      return true;
    }
    case FieldType::Int32:
    case FieldType::Int64: {
      int64_t n = 0;
      if (v.type == ValueType::Int || v.type == ValueType::Bool) {
        n = v.integer;
      } else if (v.type == ValueType::Float && std::floor(v.real) == v.real && std::abs(v.real) < 9e15) {
        n = static_cast<int64_t>(v.real);
      } else if (v.type == ValueType::Text) {
        const auto s = trimText(v.text);
        auto res = std::from_chars(s.data(), s.data() + s.size(), n);
        if (s.empty() || res.ec != std::errc() || res.ptr != s.data() + s.size()) {
          error = "'" + shown(v.text) + "' is not an integer";
          return false;
        }
      } else {
        error = "a " + std::string(valueTypeName(v.type)) + " cannot fill the integer field " + rule.targetName;
        return false;
      }
      if (f.type == FieldType::Int32) {
        if (n < INT32_MIN || n > INT32_MAX) return error = "integer out of range", false;
        *f.mutInt32(r) = static_cast<int32_t>(n);
      } else {
        *f.mutInt64(r) = n;
      }
      return true;
    }
    case FieldType::Double: {
      double d = 0;
      if (v.type == ValueType::Float)
        d = v.real;
      else if (v.type == ValueType::Int)
        d = static_cast<double>(v.integer);
      else if (v.type == ValueType::Text) {
        const auto s = trimText(v.text);
        if (s.empty() || !parseDouble(s, d) || !std::isfinite(d)) {
          error = "'" + shown(v.text) + "' is not a number";
          return false;
        }
      } else {
        error = "a " + std::string(valueTypeName(v.type)) + " cannot fill the number field " + rule.targetName;
        return false;
      }
      *f.mutDouble(r) = d;
      return true;
    }
    case FieldType::Bool: {
      bool b = false;
      if (v.type == ValueType::Bool || v.type == ValueType::Int)
        b = v.integer != 0;
      else if (v.type != ValueType::Text || !parseBoolText(v.text, b)) {
        error = "'" + shown(asText(v, ctx)) + "' is not a boolean (true/false, 1/0, 是/否)";
        return false;
      }
      *f.mutBool(r) = b;
      return true;
    }
    case FieldType::Instant: {
      if (v.type == ValueType::Instant) {
        *f.mutInt64(r) = v.integer;
        return true;
      }
      if (v.type == ValueType::Text) {
        if (auto ms = parseRfc3339(trimText(v.text))) {
          *f.mutInt64(r) = *ms;
          return true;
        }
      }
      error = "'" + shown(asText(v, ctx)) + "' is not a time with an offset; use parse_time with the source's format";
      return false;
    }
    case FieldType::Enum: {
      const auto text = trimText(asText(v, ctx));
      if (auto value = f.enumInfo->valueOf(text)) {
        f.setEnum(r, *value);
        return true;
      }
      std::string names;
      for (const auto& m : f.enumInfo->members) names += (names.empty() ? "" : ", ") + std::string(m.name);
      error = "'" + shown(text) + "' is not a " + std::string(f.enumInfo->name) + " (" + names + ")";
      return false;
    }
    case FieldType::StringList: {
      auto* list = f.mutList(r);
      list->clear();
      if (v.type == ValueType::List) {
        for (auto item : v.list) list->emplace_back(item);
      } else {
        const auto text = asText(v, ctx);
        if (!text.empty()) list->emplace_back(text);
      }
      return true;
    }
    case FieldType::StringMap: {
      const auto text = asText(v, ctx);
      (*f.mutMap(r))[rule.mapKey] = std::string(text);
      return true;
    }
  }
  error = "unsupported field type";
  return false;
}

void deadLetter(RowOutcome& out, std::string stage, std::string field, std::string function, std::string value,
                std::string error) {
  out.kind = RowOutcome::Kind::DeadLetter;
  out.stage = std::move(stage);
  out.field = std::move(field);
  out.function = std::move(function);
  out.value = std::move(value);
  out.error = std::move(error);
}

}  // namespace

MappingRunner::MappingRunner(std::shared_ptr<const CompiledMapping> mapping) : mapping_(std::move(mapping)) {
  const size_t n = mapping_->sources.size();
  slots_.resize(n);
  decoded_.resize(n);
  decoders_.resize(n);
  for (size_t i = 0; i < n; ++i) decoders_[i] = std::make_unique<CharsetDecoder>(mapping_->sources[i].encoding);
  ctx_.lookupMisses = &stats_.lookupMisses;
}

MappingRunner::~MappingRunner() = default;

MappingStats MappingRunner::takeStats() {
  MappingStats s = std::move(stats_);
  stats_ = MappingStats{};
  return s;
}

bool MappingRunner::bind(const RowBatch& batch) {
  if (&batch == boundBatch_ && batch.columns().size() == boundColumns_) return true;
  const auto& cols = batch.columns();
  columnToSlot_.assign(cols.size(), -1);
  // A delimited file's header is in the file's charset too (e.g. a GBK
  // export with Chinese column names): non-ASCII names are compared decoded
  // with each source column's declared charset.
  std::map<Charset, std::unique_ptr<CharsetDecoder>> headerDecoders;
  std::map<Charset, std::optional<std::string>> decodedNames;  // of the current column
  std::string error;
  for (size_t c = 0; c < cols.size(); ++c) {
    const bool decodeName = !batch.utf8() && !isAscii(cols[c]);
    decodedNames.clear();
    for (size_t s = 0; s < mapping_->sources.size(); ++s) {
      const auto& source = mapping_->sources[s];
      bool same = source.name == cols[c];
      if (!same && decodeName && source.encoding != Charset::Utf8) {
        auto [it, fresh] = decodedNames.try_emplace(source.encoding);
        if (fresh) {
          auto& decoder = headerDecoders[source.encoding];
          if (!decoder) decoder = std::make_unique<CharsetDecoder>(source.encoding);
          std::string name;
          if (decoder->decode(cols[c], name, error)) it->second = std::move(name);
        }
        same = it->second && *it->second == source.name;
      }
      if (same) columnToSlot_[c] = static_cast<int>(s);
    }
  }
  boundBatch_ = &batch;
  boundColumns_ = cols.size();
  if (batch.utf8() && utf8Decoders_ != true) {
    // Text parsed from JSON is UTF-8 already, whatever the platform's
    // declared charset (the push/HTTP layer decoded the body).
    for (auto& d : decoders_) d = std::make_unique<CharsetDecoder>(Charset::Utf8);
    utf8Decoders_ = true;
  } else if (!batch.utf8() && utf8Decoders_ != false) {
    for (size_t i = 0; i < decoders_.size(); ++i)
      decoders_[i] = std::make_unique<CharsetDecoder>(mapping_->sources[i].encoding);
    utf8Decoders_ = false;
  }
  return true;
}

bool MappingRunner::decode(const RowBatch& batch, const RowBatch::Row& row, RowOutcome& out) {
  for (auto& s : slots_) s = Value::null();
  const auto* cells = batch.cells(row);
  for (uint32_t i = 0; i < row.cellCount; ++i) {
    const auto& cell = cells[i];
    if (cell.column >= columnToSlot_.size()) continue;
    const int slot = columnToSlot_[cell.column];
    if (slot < 0) continue;
    auto& value = slots_[static_cast<size_t>(slot)];
    if (cell.flags & RowBatch::kNull) continue;
    std::string error;
    if (cell.flags & RowBatch::kList) {
      size_t count = 0;
      batch.forEachListItem(cell, [&](std::string_view) { ++count; });
      auto* items = ctx_.arena.allocateArray<std::string_view>(count);
      size_t n = 0;
      bool ok = true;
      batch.forEachListItem(cell, [&](std::string_view item) {
        if (!ok) return;
        std::string_view text;
        auto& scratch = decoded_[static_cast<size_t>(slot)];
        if (isAscii(item)) {
          items[n++] = item;
        } else if (decoders_[static_cast<size_t>(slot)]->decodeView(item, scratch, text, error)) {
          // Text that needed no change is a view into the batch; decoded text is copied out of the scratch.
          items[n++] = text.data() == item.data() ? text : ctx_.arena.copy(text);
        } else {
          ok = false;
        }
      });
      if (!ok) {
        deadLetter(out, "decode", mapping_->sources[static_cast<size_t>(slot)].name, "", "", error);
        return false;
      }
      value = Value::ofList({items, n});
      continue;
    }
    const std::string_view bytes = batch.bytes(cell);
    if (isAscii(bytes)) {
      value = Value::ofText(bytes);
      continue;
    }
    // UTF-8 that is already NFC (nearly all of it) stays a view into the batch: no copy.
    std::string_view text;
    if (!decoders_[static_cast<size_t>(slot)]->decodeView(bytes, decoded_[static_cast<size_t>(slot)], text, error)) {
      deadLetter(out, "decode", mapping_->sources[static_cast<size_t>(slot)].name, "", "",
                 "column " + mapping_->sources[static_cast<size_t>(slot)].name + ": " + error);
      return false;
    }
    value = Value::ofText(text);
  }
  return true;
}

bool MappingRunner::evaluate(const Rule& rule, RowOutcome& out, Value& v, std::string& failedFunction) {
  if (rule.when) {
    const Rule* branch = rule.when->evaluate(slots_) ? rule.then.get() : rule.otherwise.get();
    if (!branch) {
      v = Value::null();
      return true;
    }
    return evaluate(*branch, out, v, failedFunction);
  }
  size_t first = 0;
  if (rule.constant) {
    v = Value::ofText(*rule.constant);
  } else if (rule.inputs.size() == 1) {
    v = slots_[static_cast<size_t>(rule.inputs[0])];
  } else if (!rule.inputs.empty()) {
    // The compiler guarantees the first function combines several inputs.
    inputs_.clear();
    for (int s : rule.inputs) inputs_.push_back(slots_[static_cast<size_t>(s)]);
    const auto& fn = *rule.pipeline[0];
    if (!fn.combine(inputs_, v, ctx_)) {
      failedFunction = fn.name();
      failedValue_.clear();
      for (const auto& in : inputs_) failedValue_ += (failedValue_.empty() ? "" : ", ") + std::string(asText(in, ctx_));
      return false;
    }
    first = 1;
  } else {
    v = Value::null();
  }
  for (size_t i = first; i < rule.pipeline.size(); ++i) {
    const auto& fn = *rule.pipeline[i];
    const Value before = v;
    if (!fn.apply(v, ctx_)) {
      failedFunction = fn.name();
      failedValue_ = std::string(asText(before, ctx_));
      return false;
    }
  }
  // A then/else branch's own default (runRule applies the field rule's).
  if (v.isMissing() && rule.defaultValue) v = Value::ofText(*rule.defaultValue);
  return true;
}

bool MappingRunner::runRule(const Rule& rule, RowOutcome& out) {
  Value v;
  std::string failedFunction;
  auto onFailure = [&](const std::string& function, const std::string& value, const std::string& error) {
    switch (rule.onError) {
      case OnError::Fail: deadLetter(out, "map", rule.targetName, function, shown(value), error); return false;
      case OnError::Warn: {
        // Warnings travel inside the record (extensions._warnings), which
        // callers without `pii` read too: a personal field's value is quoted
        // masked, wherever the message quotes it.
        const auto pii = rule.target ? rule.target->pii : schema::PiiKind::None;
        const std::string quoted = shown(maskAs(pii, value));
        out.warnings.push_back(rule.targetName + ": " + (function.empty() ? "" : function + ": ") +
                               (pii == schema::PiiKind::None ? error : redactValue(error, value, quoted)) +
                               " (value '" + quoted + "')");
        break;
      }
      case OnError::Null: break;
    }
    v = Value::null();
    return true;
  };
  ctx_.error.clear();
  if (!evaluate(rule, out, v, failedFunction)) {
    if (!onFailure(failedFunction, failedValue_, ctx_.error)) return false;
  }
  if (v.isMissing() && rule.defaultValue) v = Value::ofText(*rule.defaultValue);
  if (v.isMissing()) {
    if (rule.required) {
      deadLetter(out, "map", rule.targetName, "", "", "required field " + rule.targetName + " is empty");
      return false;
    }
    return true;
  }
  std::string error;
  if (!assignField(rule, v, out.record, ctx_, error)) {
    const std::string value(asText(v, ctx_));
    if (!onFailure("", value, error)) return false;
    if (rule.required) {
      deadLetter(out, "map", rule.targetName, "", shown(value), "required field " + rule.targetName + ": " + error);
      return false;
    }
  }
  return true;
}

void MappingRunner::map(const RowBatch& batch, size_t index, RowOutcome& out) {
  ++stats_.rows;
  ctx_.arena.reset();
  ctx_.warnings.clear();
  out.kind = RowOutcome::Kind::Record;
  out.warnings.clear();
  out.stage.clear();
  out.field.clear();
  out.function.clear();
  out.value.clear();
  out.error.clear();
  resetRecord(out.record);

  bind(batch);
  const auto& row = batch.row(index);
  if (!decode(batch, row, out)) {
    ++stats_.deadLetters;
    return;
  }
  for (const auto& c : mapping_->skipWhen) {
    if (c->evaluate(slots_)) {
      out.kind = RowOutcome::Kind::Skipped;
      ++stats_.skipped;
      return;
    }
  }
  const auto& m = *mapping_;
  auto& env = out.record.envelope;
  env.kind = m.kind;
  env.source_system = m.sourceSystem;
  env.mapping = m.versionTag();
  env.__isset.mapping = true;
  switch (m.kind) {
    case schema::RecordKind::CASE: out.record.__isset.case_record = true; break;
    case schema::RecordKind::REVIEW: out.record.__isset.review = true; break;
    case schema::RecordKind::OBSERVATION: out.record.__isset.observation = true; break;
  }
  for (const auto& rule : m.rules) {
    if (!runRule(rule, out)) {
      ++stats_.deadLetters;
      return;
    }
  }
  for (auto& w : ctx_.warnings) out.warnings.push_back(std::move(w));
  if (!out.warnings.empty()) {
    std::string joined;
    for (const auto& w : out.warnings) joined += (joined.empty() ? "" : "; ") + w;
    (*schema::findField(m.kind, "extensions")->mutMap(out.record))["_warnings"] = joined;
    stats_.warnings += out.warnings.size();
  }
  try {
    normalizeRecord(out.record);
    // Engine-built text is valid UTF-8 by construction (decoded rows, UTF-8
    // mapping files and code tables) and enums are checked on assignment.
    validateRecord(out.record, false);
  } catch (const Error& e) {
    std::string detail;
    std::string field;
    for (const auto& i : e.issues()) {
      detail += (detail.empty() ? "" : "; ") + i.field + ": " + i.message;
      if (field.empty()) field = i.field;
    }
    deadLetter(out, "validate", field, "", "", detail.empty() ? e.what() : detail);
    ++stats_.deadLetters;
    return;
  }
  ++stats_.records;
}

}  // namespace govsync::mapping
