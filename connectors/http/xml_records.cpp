#include "connectors/http/xml_records.h"

#include <Poco/AutoPtr.h>
#include <Poco/DOM/Attr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/NamedNodeMap.h>
#include <Poco/DOM/Node.h>
#include <Poco/SAX/SAXException.h>
#include <Poco/SAX/XMLReader.h>

#include <string_view>
#include <unordered_map>
#include <vector>

namespace govsync::connectors::http {

namespace {

using Poco::XML::Element;
using Poco::XML::Node;

std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

std::string_view localPart(std::string_view qname) {
  const auto colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

std::string nameOf(const Node* n) {
  const std::string& local = n->localName();
  return local.empty() ? std::string(localPart(n->nodeName())) : local;
}

bool nameIs(const Node* n, const std::string& segment) { return nameOf(n) == localPart(segment); }

std::vector<Element*> childElements(const Node* parent) {
  std::vector<Element*> out;
  for (Node* c = parent->firstChild(); c; c = c->nextSibling())
    if (c->nodeType() == Node::ELEMENT_NODE) out.push_back(static_cast<Element*>(c));
  return out;
}

std::vector<Element*> elementsAt(Poco::XML::Document* doc, const std::vector<std::string>& segs) {
  std::vector<Element*> cur;
  Element* root = doc->documentElement();
  if (!root || segs.empty() || !nameIs(root, segs[0])) return cur;
  cur.push_back(root);
  for (size_t i = 1; i < segs.size(); ++i) {
    std::vector<Element*> next;
    for (Element* e : cur)
      for (Element* c : childElements(e))
        if (nameIs(c, segs[i])) next.push_back(c);
    cur.swap(next);
  }
  return cur;
}

bool skipAttribute(const Node* a) {
  const std::string& q = a->nodeName();
  return q == "xmlns" || q.rfind("xmlns:", 0) == 0 || nameOf(a) == "nil";
}

bool isNil(const Element* e) {
  Poco::AutoPtr<Poco::XML::NamedNodeMap> attrs = e->attributes();
  for (unsigned long i = 0; i < attrs->length(); ++i) {
    const Node* a = attrs->item(i);
    if (nameOf(a) == "nil" && a->nodeValue() == "true") return true;
  }
  return false;
}

// Column name → values in document order, columns in order of appearance.
class Columns {
 public:
  void put(const std::string& name, std::optional<std::string> value) {
    auto [it, fresh] = index_.emplace(name, cols_.size());
    if (fresh) cols_.push_back({name, {}});
    cols_[it->second].second.push_back(std::move(value));
  }
  void visit(const Element* e, const std::string& path) {
    attributes(e, path + ".");
    const auto children = childElements(e);
    for (const Element* c : children) visit(c, path + "." + nameOf(c));
    if (children.empty()) put(path, isNil(e) ? std::nullopt : std::optional<std::string>(e->innerText()));
  }
  void attributes(const Element* e, const std::string& prefix) {
    Poco::AutoPtr<Poco::XML::NamedNodeMap> attrs = e->attributes();
    for (unsigned long i = 0; i < attrs->length(); ++i) {
      const Node* a = attrs->item(i);
      if (!skipAttribute(a)) put(prefix + nameOf(a), a->nodeValue());
    }
  }
  void emit(RowBatch& batch) const {
    for (const auto& [name, values] : cols_) {
      const uint32_t col = batch.columnIndex(name);
      if (values.size() == 1) {
        if (values[0])
          batch.addCell(col, *values[0]);
        else
          batch.addNull(col);
        continue;
      }
      batch.beginList(col);
      for (const auto& v : values)
        if (v) batch.appendListItem(*v);
    }
  }

 private:
  std::vector<std::pair<std::string, std::vector<std::optional<std::string>>>> cols_;
  std::unordered_map<std::string, size_t> index_;
};

bool startsWith(std::string_view s, size_t p, std::string_view what) { return s.compare(p, what.size(), what) == 0; }

// The byte spans of the elements at `segs`, in document order, found with a
// small tokenizer over the (already validated) text. Sets `doctype` if the
// text has a DOCTYPE.
std::vector<std::string_view> elementSpans(std::string_view s, const std::vector<std::string>& segs, bool& doctype) {
  std::vector<std::string_view> spans;
  std::vector<std::string_view> stack;
  std::vector<size_t> starts;
  auto matches = [&] {
    if (stack.size() != segs.size()) return false;
    for (size_t i = 0; i < segs.size(); ++i)
      if (localPart(stack[i]) != localPart(segs[i])) return false;
    return true;
  };
  doctype = false;
  size_t p = 0;
  const size_t n = s.size();
  while ((p = s.find('<', p)) != std::string_view::npos) {
    auto skipTo = [&](std::string_view end, size_t from) {
      const size_t e = s.find(end, from);
      p = e == std::string_view::npos ? n : e + end.size();
    };
    if (startsWith(s, p, "<!--")) {
      skipTo("-->", p + 4);
    } else if (startsWith(s, p, "<![CDATA[")) {
      skipTo("]]>", p + 9);
    } else if (startsWith(s, p, "<?")) {
      skipTo("?>", p + 2);
    } else if (startsWith(s, p, "<!")) {
      doctype = true;
      return spans;
    } else if (startsWith(s, p, "</")) {
      const size_t e = s.find('>', p);
      if (e == std::string_view::npos) break;
      if (matches() && !starts.empty()) spans.push_back(s.substr(starts.back(), e + 1 - starts.back()));
      if (!stack.empty()) {
        stack.pop_back();
        starts.pop_back();
      }
      p = e + 1;
    } else {
      size_t q = p + 1;
      while (q < n && s[q] != ' ' && s[q] != '\t' && s[q] != '\r' && s[q] != '\n' && s[q] != '/' && s[q] != '>') ++q;
      const std::string_view name = s.substr(p + 1, q - p - 1);
      while (q < n && s[q] != '>') {
        if (s[q] == '"' || s[q] == '\'') {
          const size_t close = s.find(s[q], q + 1);
          q = close == std::string_view::npos ? n : close + 1;
        } else {
          ++q;
        }
      }
      if (q >= n) break;
      stack.push_back(name);
      starts.push_back(p);
      if (s[q - 1] == '/') {  // <empty/>
        if (matches()) spans.push_back(s.substr(p, q + 1 - p));
        stack.pop_back();
        starts.pop_back();
      }
      p = q + 1;
    }
  }
  return spans;
}

}  // namespace

struct XmlBody::Impl {
  std::string text;
  Poco::AutoPtr<Poco::XML::Document> doc;
};

XmlBody::XmlBody(std::string utf8) : impl_(std::make_unique<Impl>()) {
  impl_->text = std::move(utf8);
  bool doctype = false;
  elementSpans(impl_->text, {}, doctype);
  if (doctype)
    throw XmlError("the XML has a DOCTYPE, which is refused (entity expansion and external entities are attacks)");
  // The bytes are UTF-8 now whatever the declaration said: drop it so the
  // parser does not try to decode them again.
  std::string_view body = impl_->text;
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  if (body.substr(0, 5) == "<?xml") {
    const size_t end = body.find("?>");
    if (end != std::string_view::npos) body.remove_prefix(end + 2);
  }
  Poco::XML::DOMParser parser;
  parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
  parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
  parser.setFeature(Poco::XML::DOMParser::FEATURE_FILTER_WHITESPACE, true);
  parser.setEncoding("UTF-8");
  try {
    impl_->doc = parser.parseMemory(body.data(), body.size());
  } catch (const Poco::XML::SAXParseException& e) {
    throw XmlError("not well-formed XML: " + e.message() + " (line " + std::to_string(e.getLineNumber()) + ", column " +
                   std::to_string(e.getColumnNumber()) + ")");
  } catch (const Poco::Exception& e) {
    throw XmlError("not well-formed XML: " + e.displayText());
  }
}

XmlBody::~XmlBody() = default;

size_t XmlBody::records(const std::string& path, RowBatch& batch) const {
  const auto segs = splitPath(path);
  const auto elements = elementsAt(impl_->doc, segs);
  bool doctype = false;
  const auto spans = elementSpans(impl_->text, segs, doctype);
  batch.setUtf8(true);
  batch.setRawFormat("xml");
  uint32_t number = 0;
  for (const Element* e : elements) {
    Columns cols;
    cols.attributes(e, "");
    const auto children = childElements(e);
    for (const Element* c : children) cols.visit(c, nameOf(c));
    if (children.empty() && !e->innerText().empty()) cols.put("#text", e->innerText());
    batch.beginRow(++number);
    cols.emit(batch);
    batch.setRaw(spans.size() == elements.size() ? spans[number - 1] : std::string_view());
    batch.endRow();
  }
  return elements.size();
}

std::optional<std::string> XmlBody::value(const std::string& path) const {
  auto segs = splitPath(path);
  std::string attribute;
  if (!segs.empty() && segs.back().front() == '@') {
    attribute = segs.back().substr(1);
    segs.pop_back();
  }
  const auto elements = elementsAt(impl_->doc, segs);
  if (elements.empty()) return std::nullopt;
  const Element* e = elements.front();
  if (attribute.empty()) return e->innerText();
  Poco::AutoPtr<Poco::XML::NamedNodeMap> attrs = e->attributes();
  for (unsigned long i = 0; i < attrs->length(); ++i)
    if (nameOf(attrs->item(i)) == localPart(attribute)) return attrs->item(i)->nodeValue();
  return std::nullopt;
}

}  // namespace govsync::connectors::http
