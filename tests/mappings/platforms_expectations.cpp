// What mappings/samples/README.md says of each shipped platform mapping's sample (the table of
// platforms_test_support.h): change the README or a sample, change the row here.
#include "tests/mappings/platforms_test_support.h"

namespace govsync::mapping::platforms_test {

const std::vector<Platform>& platforms() {
  static const std::vector<Platform> all =
      {
          {.name = "hotline_12345",
           .sample = "hotline_12345.csv",
           .delimiter = ',',
           .sourceSystem = "hotline12345",
           .rows = 66,
           .records = 61,
           .skipped = 0,
           .dead = {{12, "map", "received_at", "day 32 out of range", "20261032144934"},
                    {28, "map", "status", "not in table case_status", "已挂起"},
                    {35, "map", "case_no", "required field case_no is empty", ""},
                    {44, "decode", "LDRXM", "invalid GB18030 byte sequence 0x81 0x20", ""},
                    {55, "decode", "", "row has 9 fields, the header has 25", ""}},
           .warned = {{17,
                       "reporter_id_no: check_id: not a valid GB 11643 citizen ID number: wrong check digit",
                       {"reporter_id_no", "reporter_key"}}},
           .misses = {"case_status:已挂起"},
           .golden =
               {
                   {7,  // first closed (已办结) order with BD-09 coordinates
                    R"json({"case_no": "GD202610050026", "case_kind": "hotline", "channel": "web", "channel_raw": "网站", "appeal_type": "report", "title": "校外培训机构违规办学", "content": "盘山县建设路205号有校外培训机构在周末违规开展学科培训。", "category_code": "0802", "category_name": "校外培训", "urgency": "normal", "status": "CLOSED", "status_raw": "已办结", "received_at": "2026-10-05T00:35:07.000Z", "dispatched_at": "2026-10-05T01:53:17.000Z", "due_at": "2026-10-18T15:59:59.000Z", "responded_at": "2026-10-09T10:30:17.000Z", "closed_at": "2026-10-10T07:56:17.000Z", "region_code": "211122", "address": "盘山县建设路205号", "lon": 122.036121, "lat": 41.265135, "coord_sys_original": "bd09", "lon_raw": "122.047923", "lat_raw": "41.273633", "agency_code": "11211100939239161F", "agency_name": "盘锦市教育局", "reporter_name": "贺兰", "reporter_phone": "17795804454", "reporter_id_no": "211121197709020789", "is_anonymous": false, "satisfaction_level": 4})json"},
                   {11,  // legacy region 211121 → 211104
                    R"json({"case_no": "GD202610080063", "case_kind": "hotline", "channel": "phone", "channel_raw": "电话", "appeal_type": "report", "title": "井盖丢失", "content": "大洼区新华路249号非机动车道上井盖丢失，现用树枝临时遮挡，夜间很危险。", "category_code": "0302", "category_name": "井盖缺失破损", "urgency": "normal", "status": "DISPATCHED", "status_raw": "已派单", "received_at": "2026-10-08T06:03:35.000Z", "dispatched_at": "2026-10-08T07:12:53.000Z", "due_at": "2026-10-21T15:59:59.000Z", "responded_at": null, "closed_at": null, "region_code": "211104", "address": "大洼区新华路249号", "lon": 122.094911, "lat": 40.971385, "coord_sys_original": "bd09", "lon_raw": "122.107027", "lat_raw": "40.979005", "agency_code": "11211100571890051Y", "agency_name": "盘锦市城市管理综合行政执法局", "reporter_name": "袁晨金", "reporter_phone": "15738989189", "reporter_id_no": null, "is_anonymous": false, "satisfaction_level": null})json"},
                   {23,  // content with a line break (quoted field)
                    R"json({"case_no": "GD202610210030", "case_kind": "hotline", "channel": "wechat", "channel_raw": "微信公众号", "appeal_type": "suggestion", "title": "建议增加公交早班车次", "content": "家住大洼区榆树小区8号楼1单元，每天早上坐公交上班，早班车间隔太长，建议早高峰加密班次。\n补充：来电人称已多次反映，要求尽快处理并回复。", "category_code": "0204", "category_name": "公交运营", "urgency": "normal", "status": "RESPONDED", "status_raw": "已回复", "received_at": "2026-10-21T07:01:49.000Z", "dispatched_at": "2026-10-21T08:10:43.000Z", "due_at": "2026-11-03T15:59:59.000Z", "responded_at": "2026-10-22T13:04:43.000Z", "closed_at": null, "region_code": "211104", "address": "大洼区榆树小区8号楼1单元", "lon": 122.154702, "lat": 41.000448, "coord_sys_original": "bd09", "lon_raw": "122.166455", "lat_raw": "41.008760", "agency_code": "11211100278853120E", "agency_name": "盘锦市交通运输局", "reporter_name": "唐德淑", "reporter_phone": "13796851570", "reporter_id_no": "21110320020507825X", "is_anonymous": false, "satisfaction_level": null})json"},
               },
           .extra =
               {{5,
                 R"json({"reporter_name": "梁东晨", "reporter_phone": "13537095903", "reporter_phone_2": null})json"},
                {6,
                 R"json({"reporter_name": "尹刚", "reporter_phone": "13852498187", "reporter_phone_2": "0427-3153705", "lon": null, "coord_sys_original": null})json"},
                {9, R"json({"reporter_name": "夏春", "reporter_phone": "19958681481"})json"},
                {21, R"json({"reporter_name": "王䶮", "reporter_phone": "0427-5393048"})json"},
                {30,
                 R"json({"reporter_name": "贾军", "reporter_id_no": "211102197702172043", "status": "CANCELLED"})json"},
                {45, R"json({"reporter_name": "赵𫖯", "region_code": "211102"})json"},
                {66, R"json({"reporter_id_no": "211103196105175504"})json"}},
           .keys = {{7, "reporter_key", "211121197709020789"}, {11, "reporter_key", "15738989189"}}},

          {.name = "citizen_report",
           .sample = "citizen_report.ndjson",
           .delimiter = 0,
           .sourceSystem = "suishoupai",
           .rows = 64,
           .records = 59,
           .skipped = 0,
           .dead = {{13, "map", "case_no", "required field case_no is empty", ""},
                    {20, "map", "lon", "(0, 0) are not a location", "0, 0"},
                    {30, "map", "lon", "outside China", "41.265162, 121.979791"},
                    {43, "map", "status", "not in table case_status", "8"},
                    {49, "map", "received_at", "for format unix_ms", "2026-10-15 25:61"}},
           .warned = {},
           .misses = {"case_status:8"},
           .golden =
               {
                   {2,  // closed report (status 4) with photos, 12-digit region
                    R"json({"case_no": "SSP20261003000165", "channel": "wechat", "channel_raw": "微信小程序", "category_code": "0302", "category_name": "井盖缺失破损", "status": "CLOSED", "status_raw": "4", "received_at": "2026-10-02T17:09:16.416Z", "source_updated_at": "2026-10-05T20:41:16.561Z", "responded_at": "2026-10-04T06:11:16.416Z", "region_code": "211103001000", "lon": 122.035537, "lat": 41.142757, "coord_sys_original": "gcj02", "lon_raw": "122.040957", "lat_raw": "41.144800", "agency_code": "11211100571890051Y", "is_anonymous": false, "reporter_name": "韩志宏", "media_urls": ["https://sspimg.panjin.gov.cn/report/2026/10/03/SSP20261003000165_1.jpg", "https://sspimg.panjin.gov.cn/report/2026/10/03/SSP20261003000165_2.jpg"]})json"},
                   {1,  // categoryCode number with lost leading zero, anonymous reporter
                    R"json({"case_no": "SSP20261001000134", "channel": "app", "channel_raw": "随手拍APP", "category_code": "0102", "category_name": "占道经营", "status": "DISPATCHED", "status_raw": "1", "received_at": "2026-10-01T02:00:30.152Z", "source_updated_at": "2026-10-01T16:18:30.992Z", "responded_at": null, "region_code": "211102009000", "lon": 122.040598, "lat": 41.211694, "coord_sys_original": "gcj02", "lon_raw": "122.046041", "lat_raw": "41.213803", "agency_code": "11211100571890051Y", "is_anonymous": true, "reporter_name": null, "media_urls": ["https://sspimg.panjin.gov.cn/report/2026/10/01/SSP20261001000134_1.jpg", "https://sspimg.panjin.gov.cn/report/2026/10/01/SSP20261001000134_2.jpg"]})json"},
                   {35,  // in progress (status 2), doubled space in address
                    R"json({"case_no": "SSP20261024002147", "channel": "app", "channel_raw": "随手拍APP", "category_code": "0102", "category_name": "占道经营", "status": "IN_PROGRESS", "status_raw": "2", "received_at": "2026-10-24T05:06:45.583Z", "source_updated_at": "2026-10-24T17:50:46.114Z", "responded_at": null, "region_code": "211104009000", "lon": 122.084124, "lat": 40.996504, "coord_sys_original": "gcj02", "lon_raw": "122.089612", "lat_raw": "40.998505", "agency_code": "11211100571890051Y", "is_anonymous": false, "reporter_name": "蒋怡", "media_urls": ["https://sspimg.panjin.gov.cn/report/2026/10/24/SSP20261024002147_1.jpg"]})json"},
               },
           .extra =
               {{35, R"json({"address": "大洼区向海大道195号"})json"},
                {3,
                 R"json({"reporter_name": null, "reporter_phone": "15755124814", "media_urls": ["https://sspimg.panjin.gov.cn/report/2026/10/03/SSP20261003000242_1.jpg"]})json"}},
           .keys = {{2, "reporter_key", "15335873879"}}},

          {.name = "grid_event",
           .sample = "grid_event.csv",
           .delimiter = ';',
           .sourceSystem = "grid",
           .rows = 62,
           .records = 57,
           .skipped = 0,
           .dead = {{13, "map", "received_at", "day 32 out of range", "2026/10/32 18:29"},
                    {23, "map", "case_no", "required field case_no is empty", ""},
                    {30, "decode", "", "row has 12 fields, the header has 21", ""},
                    {42, "map", "lon", "(0, 0) are not a location", "0, 0"},
                    {52, "map", "region_code", "not in table gbt2260_panjin", "211122099"}},
           .warned = {},
           .misses = {"gbt2260_panjin:211122099"},
           .golden =
               {
                   {2,  // closed event (已结案) with deadline as Excel serial
                    R"json({"case_no": "WG2026100100059", "grid_code": "211102-002-095", "region_code": "211102002000", "category_code": "0101", "category_name": "乱堆乱放", "channel": "inspector", "channel_raw": "网格员上报", "status": "CLOSED", "status_raw": "已结案", "received_at": "2026-10-01T04:18:00.000Z", "dispatched_at": "2026-10-01T04:37:00.000Z", "due_at": "2026-10-01T08:35:00.000Z", "responded_at": "2026-10-02T19:16:00.000Z", "closed_at": "2026-10-02T21:33:00.000Z", "agency_name": "盘锦市城市管理综合行政执法局", "agency_code": "11211100571890051Y", "reporter_name": "郭毅兰", "reporter_phone": "18349988919", "lon": 122.046154, "lat": 41.22842, "coord_sys_original": "cgcs2000"})json"},
                   {20,  // video-sourced event (no inspector)
                    R"json({"case_no": "WG2026101400027", "grid_code": "211122-108-119", "region_code": "211122108000", "category_code": "0101", "category_name": "乱堆乱放", "channel": "video", "channel_raw": "视频监控", "status": "DISPATCHED", "status_raw": "已派遣", "received_at": "2026-10-13T21:58:00.000Z", "dispatched_at": "2026-10-13T22:33:00.000Z", "due_at": "2026-10-14T22:05:00.000Z", "responded_at": null, "closed_at": null, "agency_name": "盘锦市城市管理综合行政执法局", "agency_code": "11211100571890051Y", "reporter_name": null, "reporter_phone": null, "lon": 122.016906, "lat": 41.237854, "coord_sys_original": "cgcs2000"})json"},
                   {8,  // description containing ';' (quoted field)
                    R"json({"case_no": "WG2026100300067", "grid_code": "211103-013-056", "region_code": "211103013000", "category_code": "0304", "category_name": "健身器材损坏", "channel": "inspector", "channel_raw": "网格员上报", "status": "RECEIVED", "status_raw": "已立案", "received_at": "2026-10-03T13:02:00.000Z", "dispatched_at": null, "due_at": "2026-10-04T13:21:00.000Z", "responded_at": null, "closed_at": null, "agency_name": null, "agency_code": null, "reporter_name": "康霞辉", "reporter_phone": "19846131073", "lon": 122.052194, "lat": 41.122497, "coord_sys_original": "cgcs2000"})json"},
               },
           .extra =
               {{2,
                 R"json({"extensions.inspector_no": "WGY3180", "extensions.registered_at": "2026-10-01T04:35:00.000Z", "content": "双台子区红旗小区26号楼6单元人行道堆放建筑垃圾约两立方米。"})json"}},
           .keys = {}},

          {.name = "public_security_selfservice",
           .sample = "public_security_selfservice.ndjson",
           .delimiter = 0,
           .sourceSystem = "gaselfservice",
           .rows = 64,
           .records = 61,
           .skipped = 0,
           .dead = {{25, "map", "received_at", "month 0 out of range", "0000-00-00 00:00:00"},
                    {38, "map", "case_no", "required field case_no is empty", ""},
                    {50, "map", "status", "not in table case_status", "TIMEOUT"}},
           .warned = {{14,
                       "reporter_id_no: check_id: not a valid GB 11643 citizen ID number: wrong check digit",
                       {"reporter_id_no", "reporter_key"}}},
           .misses = {"case_status:TIMEOUT"},
           .golden =
               {
                   {11,  // successful 户籍证明 transaction
                    R"json({"case_no": "GAZZ202610040000426", "case_kind": "other", "appeal_type": "help", "channel": "self_service", "category_code": "0901", "category_name": "户籍证件", "title": "户籍证明开具", "status": "CLOSED", "status_raw": "SUCCESS", "received_at": "2026-10-04T02:44:47.000Z", "closed_at": "2026-10-04T02:49:32.000Z", "region_code": "211104", "agency_code": "112111005463841653", "agency_name": "盘锦市公安局", "reporter_name": "田刚英", "reporter_id_no": "211103196007208579", "reporter_phone": "13863531724", "return_reason": null})json"},
                   {3,  // failed transaction → RETURNED with reason
                    R"json({"case_no": "GAZZ202610020000325", "case_kind": "other", "appeal_type": "help", "channel": "self_service", "category_code": "0901", "category_name": "户籍证件", "title": "身份证办理进度查询", "status": "RETURNED", "status_raw": "FAILED", "received_at": "2026-10-02T06:03:57.000Z", "closed_at": "2026-10-02T06:06:31.000Z", "region_code": "211103", "agency_code": "11211103945049778F", "agency_name": "盘锦市公安局兴隆台分局", "reporter_name": "丁洋晨", "reporter_id_no": "211122195005230275", "reporter_phone": "13216626681", "return_reason": "人像比对未通过"})json"},
                   {1,  // startTime with `.0` suffix
                    R"json({"case_no": "GAZZ202610010000303", "case_kind": "other", "appeal_type": "help", "channel": "self_service", "category_code": "0903", "category_name": "车驾管业务", "title": "机动车驾驶证期满换领", "status": "CLOSED", "status_raw": "SUCCESS", "received_at": "2026-10-01T01:29:29.000Z", "closed_at": "2026-10-01T01:31:56.000Z", "region_code": "211103", "agency_code": "11211100397890987A", "agency_name": "盘锦市公安局交通警察支队", "reporter_name": "尹辉凤", "reporter_id_no": "211102198204306779", "reporter_phone": "13068916755", "return_reason": null})json"},
               },
           .extra = {{10, R"json({"reporter_name": "常涵", "reporter_id_no": "21110319740526858X"})json"},
                     {16, R"json({"status": "IN_PROGRESS", "status_raw": "PROCESSING", "closed_at": null})json"}},
           .keys = {{11, "reporter_key", "211103196007208579"}, {10, "reporter_key", "21110319740526858X"}}},

          {.name = "environment_complaint",
           .sample = "environment_complaint.csv",
           .delimiter = '\t',
           .sourceSystem = "env12369",
           .rows = 62,
           .records = 57,
           .skipped = 0,
           .dead = {{10, "decode", "投诉内容", "invalid GBK byte sequence 0x81 0x20", ""},
                    {22, "map", "received_at", "hour 25 out of range", "20261020T254741"},
                    {30, "map", "status", "not in table case_status", "待定"},
                    {42, "map", "case_no", "required field case_no is empty", ""},
                    {50, "decode", "", "row has 8 fields, the header has 19", ""}},
           .warned = {},
           .misses = {"case_status:待定"},
           .golden =
               {
                   {2,  // closed complaint with a 9-digit region code
                    R"json({"case_no": "HJTS202610030005", "case_kind": "complaint", "appeal_type": "complaint", "channel": "superior", "channel_raw": "12345转办", "category_code": "0403", "category_name": "水污染", "status": "CLOSED", "status_raw": "已办结", "received_at": "2026-10-02T19:25:45.000Z", "dispatched_at": "2026-10-02T21:51:45.000Z", "due_at": "2026-10-18T09:00:00.000Z", "responded_at": "2026-10-14T01:51:45.000Z", "region_code": "211103019000", "agency_code": "11211103491094119M", "is_anonymous": false, "reporter_name": "苏庆"})json"},
                   {3,  // legacy 211121 region
                    R"json({"case_no": "HJTS202610030010", "case_kind": "complaint", "appeal_type": "complaint", "channel": "wechat", "channel_raw": "微信", "category_code": "0401", "category_name": "噪声污染", "status": "CLOSED", "status_raw": "已办结", "received_at": "2026-10-02T21:09:24.000Z", "dispatched_at": "2026-10-03T17:38:24.000Z", "due_at": "2026-10-18T09:00:00.000Z", "responded_at": "2026-10-07T20:38:24.000Z", "region_code": "211104", "agency_code": "11211100595242198K", "is_anonymous": false, "reporter_name": "傅红"})json"},
                   {24,  // anonymous complaint, literal NULL feedback time
                    R"json({"case_no": "HJTS202610210120", "case_kind": "complaint", "appeal_type": "complaint", "channel": "phone", "channel_raw": "12369热线", "category_code": "0404", "category_name": "固体废物", "status": "IN_PROGRESS", "status_raw": "调查处理中", "received_at": "2026-10-20T23:04:47.000Z", "dispatched_at": "2026-10-21T06:52:47.000Z", "due_at": "2026-11-05T09:00:00.000Z", "responded_at": null, "region_code": "211122", "agency_code": "11211100595242198K", "is_anonymous": true, "reporter_name": null})json"},
               },
           .extra =
               {{1,
                 R"json({"region_code": "211104002000", "is_anonymous": true, "reporter_name": null, "reporter_phone": "18087315040", "responded_at": null})json"}},
           .keys = {}},

          {.name = "water_fault",
           .sample = "water_fault.ndjson",
           .delimiter = 0,
           .sourceSystem = "water",
           .rows = 63,
           .records = 59,
           .skipped = 0,
           .dead = {{11, "map", "case_no", "required field case_no is empty", ""},
                    {27, "map", "received_at", "for format iso8601", "2026-10-16 21点28分"},
                    {38, "map", "urgency", "not in table urgency", "7"},
                    {49, "validate", "lat", "latitude out of range", ""}},
           .warned = {},
           .misses = {"urgency:7"},
           .golden =
               {
                   {25,  // closed burst-pipe ticket
                    R"json({"case_no": "SW2026101400090", "case_kind": "fault", "category_code": "0502", "category_name": "爆管漏水", "urgency": "urgent", "channel": "phone", "channel_raw": "客服热线", "status": "CLOSED", "status_raw": "CLOSED", "received_at": "2026-10-14T09:13:39.000Z", "dispatched_at": "2026-10-14T09:42:39.000Z", "due_at": "2026-10-14T21:13:39.000Z", "responded_at": "2026-10-14T13:37:39.000Z", "closed_at": "2026-10-14T15:11:39.000Z", "region_code": "211103", "lon": 122.097474, "lat": 41.13027, "coord_sys_original": "wgs84", "agency_code": "91211100535986945U"})json"},
                   {2,  // reported_at written in UTC (`Z`)
                    R"json({"case_no": "SW2026100100012", "case_kind": "fault", "category_code": "0503", "category_name": "水压低", "urgency": "normal", "channel": "wechat", "channel_raw": "微信公众号", "status": "ACCEPTED", "status_raw": "ACKED", "received_at": "2026-10-01T03:58:24.500Z", "dispatched_at": "2026-10-01T07:18:24.500Z", "due_at": "2026-10-02T03:58:24.000Z", "responded_at": null, "closed_at": null, "region_code": "211103", "lon": 122.021401, "lat": 41.098135, "coord_sys_original": "wgs84", "agency_code": "91211100535986945U"})json"},
                   {34,  // legacy region 211121 → 211104
                    R"json({"case_no": "SW2026102300124", "case_kind": "fault", "category_code": "0504", "category_name": "水质问题", "urgency": "normal", "channel": "superior", "channel_raw": "12345转办", "status": "CLOSED", "status_raw": "CLOSED", "received_at": "2026-10-23T03:27:12.500Z", "dispatched_at": "2026-10-23T07:27:12.500Z", "due_at": "2026-10-24T03:27:12.000Z", "responded_at": "2026-10-23T11:08:12.500Z", "closed_at": "2026-10-23T13:18:12.500Z", "region_code": "211104", "lon": 122.051446, "lat": 40.999392, "coord_sys_original": "wgs84", "agency_code": "91211100535986945U"})json"},
               },
           .extra =
               {{25,
                 R"json({"agency_name": "盘锦市水务集团有限公司", "extensions.arrived_at": "2026-10-14T13:18:39.000Z", "extensions.affected_households": "283", "reporter_name": "史文庆"})json"}},
           .keys = {}},

          {.name = "window_review",
           .sample = "window_review.csv",
           .delimiter = ',',
           .sourceSystem = "hcp_window",
           .rows = 70,
           .records = 65,
           .skipped = 0,
           .dead = {{11, "map", "level", "not a level 1..5 of scheme hcp_interface", "7"},
                    {22, "decode", "writingEvaluation", "invalid GB18030 byte sequence 0x81 0x20", ""},
                    {32, "map", "case_no", "required field case_no is empty", ""},
                    {51, "map", "evaluated_at", "day 31 out of range", "2026-11-31 10:12:00"},
                    {62, "decode", "", "row has 11 fields, the header has 21", ""}},
           .warned = {{40,
                       "evaluator_key: check_id: not a valid GB 11643 citizen ID number: wrong check digit",
                       {"evaluator_key"}}},
           .misses = {},
           .golden =
               {
                   {1,  // very satisfied (5) first evaluation at a hall pad
                    R"json({"review_id": "211122260924000005-1", "case_no": "211122260924000005", "item_code": "2111220003120100000", "item_name": "食品经营许可", "agency_code": "11211100290322103W", "agency_name": "盘锦市市场监督管理局", "window_id": "B07", "staff_name": "魏宏", "channel": "hall_pad", "channel_raw": "政务大厅平板电脑", "level": 5, "level_raw": "5", "level_scheme": "hcp_interface", "indicator_codes": ["502", "504"], "comment_text": "材料一次性告知，没有跑冤枉路。", "evaluated_at": "2026-10-01T05:01:21.000Z", "eval_seq": 1, "evaluator_type": "person", "evaluator_name": "王䶮", "is_bad": false, "region_code": "211122"})json"},
                   {5,  // bad review (level ≤ 2) whose projectNo later gets a second evaluation
                    R"json({"review_id": "211122260925000059-1", "case_no": "211122260925000059", "item_code": "2111220001170200000", "item_name": "居住证签注", "agency_code": "112111005463841653", "agency_name": "盘锦市公安局", "window_id": "A20", "staff_name": "邓勇玉", "channel": "qrcode", "channel_raw": "二维码", "level": 1, "level_raw": "1", "level_scheme": "hcp_interface", "indicator_codes": ["512"], "comment_text": "说好的即办件，拖了一周还没出证。", "evaluated_at": "2026-10-03T08:37:37.000Z", "eval_seq": 1, "evaluator_type": "person", "evaluator_name": "廖娟", "is_bad": true, "region_code": "211122"})json"},
                   {10,  // the matching second evaluation (assessNumber 2, same projectNo)
                    R"json({"review_id": "211122260925000059-2", "case_no": "211122260925000059", "item_code": "2111220001170200000", "item_name": "居住证签注", "agency_code": "112111005463841653", "agency_name": "盘锦市公安局", "window_id": "A20", "staff_name": "邓勇玉", "channel": "mobile", "channel_raw": "移动端", "level": 4, "level_raw": "4", "level_scheme": "hcp_interface", "indicator_codes": ["501", "502", "504"], "comment_text": "经回访整改，工作人员主动联系并上门补办，问题已解决。", "evaluated_at": "2026-10-06T08:37:37.000Z", "eval_seq": 2, "evaluator_type": "person", "evaluator_name": "廖娟", "is_bad": false, "region_code": "211122"})json"},
               },
           .extra =
               {{1,
                 R"json({"extensions.accepted_at": "2026-09-24T05:09:08.000Z", "extensions.promise_type": "1", "department": "盘锦市市场监督管理局"})json"}},
           .keys = {{1, "evaluator_key", "211103197912035596"}}},

          {.name = "window_review_gb",
           .sample = "window_review_gb.csv",
           .delimiter = ',',
           .sourceSystem = "hcp_window_gb",
           .rows = 37,
           .records = 33,
           .skipped = 0,
           .dead = {{9, "map", "level", "not a level 1..5 of scheme gb39046_a8", "6"},
                    {13, "map", "level_raw", "no code_map entry", "3|非常满意"},
                    {20, "map", "evaluated_at", "hour 24 out of range", "20261026T243159"},
                    {31, "map", "case_no", "required field case_no is empty", ""}},
           .warned = {},
           .misses = {},
           .golden =
               {
                   {1,  // 满意度代码 1 (= level 5)
                    R"json({"review_id": "PJ2026092200020-1", "case_no": "PJ2026092200020", "item_code": "2111040002200100000", "item_name": "不动产首次登记", "agency_code": "12211100548821015A", "agency_name": "盘锦市不动产登记中心", "channel": "qrcode", "channel_raw": "二维码", "level": 5, "level_raw": "1", "level_scheme": "gb39046_a8", "comment_text": "工作人员态度很好，一次就办完了。", "evaluated_at": "2026-10-01T00:44:50.000Z", "eval_seq": 1, "evaluator_name": "赵𫖯", "is_bad": false, "region_code": "211104101000"})json"},
                   {8,  // 满意度代码 5 or 4 (bad review)
                    R"json({"review_id": "PJ2026100600095-1", "case_no": "PJ2026100600095", "item_code": "2111020003100400000", "item_name": "个体工商户设立登记", "agency_code": "11211100290322103W", "agency_name": "盘锦市市场监督管理局", "channel": "hall_pad", "channel_raw": "政务大厅平板电脑", "level": 2, "level_raw": "4", "level_scheme": "gb39046_a8", "comment_text": "工作人员中途离岗二十分钟，后面排队的人都很有意见。", "evaluated_at": "2026-10-16T03:01:47.000Z", "eval_seq": 1, "evaluator_name": "白明", "is_bad": true, "region_code": "211102005000"})json"},
                   {15,  // second evaluation
                    R"json({"review_id": "PJ2026100800141-2", "case_no": "PJ2026100800141", "item_code": "2111020006110100000", "item_name": "建筑工程施工许可证核发", "agency_code": "112111007989011069", "agency_name": "盘锦市住房和城乡建设局", "channel": "mobile", "channel_raw": "移动服务端", "level": 5, "level_raw": "1", "level_scheme": "gb39046_a8", "comment_text": "经回访整改，工作人员主动联系并上门补办，问题已解决。", "evaluated_at": "2026-10-20T09:51:52.000Z", "eval_seq": 2, "evaluator_name": "熊波晓", "is_bad": false, "region_code": "211102005000"})json"},
               },
           .extra = {{8, R"json({"department": "盘锦市市场监督管理局"})json"}},
           .keys = {}},

          {.name = "hazchem_vehicle",
           .sample = "hazchem_vehicle.ndjson",
           .delimiter = 0,
           .sourceSystem = "hazchem_jt808",
           .rows = 66,
           .records = 61,
           .skipped = 0,
           .dead = {{14, "map", "lon", "(0, 0) are not a location", "0, 0"},
                    {22, "map", "observed_at", "day 32 out of range", "20261032133310"},
                    {35, "map", "subject_id", "required field subject_id is empty", ""},
                    {44, "map", "heading_deg", "outside the range 0..359", "400"},
                    {56, "map", "lon", "outside China", "41100881, 122034358"}},
           .warned = {},
           .misses = {},
           .golden =
               {
                   {4,  // moving vehicle
                    R"json({"subject_type": "vehicle", "subject_id": "013958649976", "plate_no": "辽LA5823", "metric_code": "position", "observed_at": "2026-10-27T06:14:50.000Z", "lon": 122.054054, "lat": 41.189181, "coord_sys_original": "gcj02", "lon_raw": "122.059527", "lat_raw": "41.191302", "altitude_m": 5, "speed_kmh": 37.6, "heading_deg": 324, "attributes.alarm_flags": "0"})json"},
                   {21,  // alarm flags set (bit1 超速 or bit2 疲劳驾驶)
                    R"json({"subject_type": "vehicle", "subject_id": "018105048214", "plate_no": "辽LH4673", "metric_code": "position", "observed_at": "2026-10-31T05:32:40.000Z", "lon": 122.149193, "lat": 41.136267, "coord_sys_original": "gcj02", "lon_raw": "122.154618", "lat_raw": "41.138342", "altitude_m": 9, "speed_kmh": 94.6, "heading_deg": 108, "attributes.alarm_flags": "2"})json"},
                   {1,  // standing vehicle (speed 0)
                    R"json({"subject_type": "vehicle", "subject_id": "013958649976", "plate_no": "辽LA5823", "metric_code": "position", "observed_at": "2026-10-27T06:13:20.000Z", "lon": 122.058625, "lat": 41.185044, "coord_sys_original": "gcj02", "lon_raw": "122.064107", "lat_raw": "41.187170", "altitude_m": 6, "speed_kmh": 0.0, "heading_deg": 319, "attributes.alarm_flags": "0"})json"},
               },
           .extra =
               {{4,
                 R"json({"source_id": "013958649976@261027141450", "attributes.cargo": "液氨", "attributes.un_no": "1005", "attributes.status_flags": "3"})json"}},
           .keys = {}},
      };
  return all;
}

}  // namespace govsync::mapping::platforms_test
