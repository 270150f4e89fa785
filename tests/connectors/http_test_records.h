// The records the test API serves, and their JSON / XML / GBK forms.
#pragma once

#include <iconv.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace govsync::test {

struct Rec {
  int id = 0;
  std::string title, updated;
  static Rec make(int i) {
    char when[32];
    std::snprintf(when, sizeof when, "2024-05-01 10:%02d:00", i);
    return {i, "工单" + std::to_string(i), when};
  }
  /// The record's JSON text, exactly as the server sends it.
  std::string json() const {
    return "{\"id\":" + std::to_string(id) + ",\"title\":\"" + title + "\",\"loc\":{\"lng\":122.0" +
           std::to_string(id) + ",\"lat\":41.12},\"tags\":[\"a\",\"b\"],\"updated_at\":\"" + updated + "\"}";
  }
};

/// A 好差评 evaluation as a provincial 好差评 interface sends it over HTTP: the
/// field names of mappings/platforms/window_review.yaml, numbers as numbers,
/// and the interface's own update time (updateTime) for incremental pulls.
struct Review {
  int n = 0;
  std::string satisfaction, updated;
  static Review make(int i, std::string satisfaction) {
    char when[32];
    std::snprintf(when, sizeof when, "2026-10-01 13:%02d:00", i);
    return {i, std::move(satisfaction), when};
  }
  std::string projectNo() const {
    char no[32];
    std::snprintf(no, sizeof no, "2111222609240000%02d", n);
    return no;
  }
  std::string json() const {
    return "{\"projectNo\":\"" + projectNo() +
           "\",\"taskCode\":\"2111220003120100000\",\"taskName\":\"食品经营许可\",\"deptCode\":\"11211100290322103W\","
           "\"proDepart\":\"盘锦市市场监督管理局\",\"areaCode\":\"211122000000\",\"windowNo\":\"B07\",\"proManager\":"
           "\"魏宏\",\"pf\":\"政务大厅平板电脑\",\"userProp\":1,\"userName\":\"王䶮\",\"certkeyGOV\":"
           "\"211103197912035596\",\"satisfaction\":" +
           satisfaction + ",\"evalDetail\":\"502,504\",\"writingEvaluation\":\"材料一次性告知。\",\"assessTime\":\"" +
           updated +
           "\",\"assessNumber\":1,\"proStatus\":\"3\",\"promiseTime\":\"1\",\"acceptDate\":"
           "\"2026-09-24 13:09:08\",\"appStatus\":\"1\",\"updateTime\":\"" +
           updated + "\"}";
  }
};

inline std::string jsonArray(const std::vector<Rec>& recs) {
  std::string out = "[";
  for (size_t i = 0; i < recs.size(); ++i) {
    if (i) out += ',';
    out += recs[i].json();
  }
  return out + "]";
}

/// UTF-8 → GBK with glibc iconv.
inline std::string toGbk(const std::string& utf8) {
  iconv_t cd = iconv_open("GBK", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error("iconv GBK");
  std::string out(utf8.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t inLeft = utf8.size(), outLeft = out.size();
  char* o = out.data();
  if (iconv(cd, &in, &inLeft, &o, &outLeft) == static_cast<size_t>(-1)) throw std::runtime_error("iconv failed");
  iconv_close(cd);
  out.resize(out.size() - outLeft);
  return out;
}

/// The first record of XML page 1, as sent (UTF-8 before the GBK encoding).
inline const char* kXmlRecord1 =
    "<Record id=\"1\" type=\"hotline\">\n"
    "      <Title>漏水 &amp; 停水</Title>\n"
    "      <Addr code=\"211103\">兴隆台区</Addr>\n"
    "      <Loc><Lng>122.07</Lng><Lat>41.12</Lat></Loc>\n"
    "      <Tag>a</Tag><Tag>b</Tag>\n"
    "      <Note xsi:nil=\"true\"/>\n"
    "    </Record>";

/// An XML page (GBK-declared) of the test API: page 1 has records 1-2, page 2 record 3.
inline std::string xmlPage(int page, const std::string& next) {
  std::string records = page == 1 ? std::string("    ") + kXmlRecord1 +
                                        "\n    <Record id=\"2\" type=\"web\"><Title>路灯不亮</Title>"
                                        "<Addr code=\"211102\">双台子区</Addr></Record>\n"
                                  : "    <Record id=\"3\"><Title><![CDATA[<b>井盖</b>缺失]]></Title></Record>\n";
  return "<?xml version=\"1.0\" encoding=\"GBK\"?>\n"
         "<!-- a legacy export -->\n"
         "<Response xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
         "  <Code>0</Code>\n"
         "  <Paging><Next>" +
         next +
         "</Next></Paging>\n"
         "  <Records>\n" +
         records +
         "  </Records>\n"
         "</Response>\n";
}

}  // namespace govsync::test
