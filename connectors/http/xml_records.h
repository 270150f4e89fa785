// XML response bodies → rows. The body is parsed whole (Poco's DOM over
// expat) after refusing any DOCTYPE: legacy APIs never need one, and
// refusing it rules out entity-expansion bombs and external entities.
//
// Records are the elements at an element path (Response/Records/Record;
// names compare without namespace prefixes). One record becomes one row:
//   <Record id="7">                      id        = 7
//     <Title>漏水</Title>                  Title     = 漏水
//     <Addr code="211103">兴隆台</Addr>     Addr      = 兴隆台, Addr.code = 211103
//     <Loc><Lng>122.07</Lng></Loc>         Loc.Lng   = 122.07
//     <Tag>a</Tag><Tag>b</Tag>             Tag       = list [a, b]
//     <Note xsi:nil="true"/>               Note      = NULL
// Each row keeps the record element's own text (its bytes in the UTF-8
// body) as raw.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/rows/row_batch.h"

namespace govsync::connectors::http {

/// The body is not well-formed XML, or has a DOCTYPE.
struct XmlError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class XmlBody {
 public:
  /// Parses a UTF-8 body (an encoding declaration is ignored: the caller has
  /// decoded the bytes). Throws XmlError saying what and where.
  explicit XmlBody(std::string utf8);
  ~XmlBody();
  XmlBody(const XmlBody&) = delete;
  XmlBody& operator=(const XmlBody&) = delete;

  /// Appends a row per element at `path`, numbered from 1; returns how many.
  size_t records(const std::string& path, RowBatch& batch) const;

  /// The text of the first element at `path`, or of an attribute
  /// ("Response/Page/@next"); nullopt when there is none.
  std::optional<std::string> value(const std::string& path) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace govsync::connectors::http
