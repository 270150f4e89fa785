#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Deterministic generator of govsync's code tables and per-platform sample files.

    python3 mappings/samples/generate.py

Python 3 standard library only. Every random choice comes from a
random.Random seeded with a fixed string per file, so running the script again
rewrites every output byte-identically. It writes:

  mappings/codes/*.csv        code tables (UTF-8, '# version:' comment first)
  mappings/samples/<files>    one sample file per legacy platform
  mappings/samples/README.md  formats, columns, quirks, bad rows, golden rows

The golden values in the README are computed here from the raw values exactly
as they are written (coordinates from the rounded raw numbers, times from the
raw strings), so tests can assert them.
"""

import csv
import datetime as dt
import io
import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
CODES_DIR = os.path.normpath(os.path.join(HERE, "..", "codes"))
SEED = "govsync-samples-2026"

INVALID_MARK = "<<INVALID-BYTES>>"   # replaced by b"\x81\x20" after encoding
EMPTYQ_MARK = "<<EMPTY-QUOTED>>"     # replaced by b'""' (explicit empty string)
INVALID_BYTES = b"\x81\x20"


def rng_for(name):
    return random.Random(f"{SEED}/{name}")


# ---------------------------------------------------------------------------
# Check digits (domain-standards.md §3)
# ---------------------------------------------------------------------------

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_MAP = "10X98765432"


def id_check(first17):
    """GB 11643-1999, ISO 7064 MOD 11-2."""
    s = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS))
    return ID_MAP[s % 11]


def id_valid(idno):
    return len(idno) == 18 and idno[:17].isdigit() and id_check(idno[:17]) == idno[17].upper()


USCC_ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
assert USCC_WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc_check(first17):
    """GB 32100-2015 check character."""
    s = sum(USCC_ALPHA.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    c = 31 - s % 31
    return USCC_ALPHA[0 if c == 31 else c]


def uscc_valid(code):
    return len(code) == 18 and uscc_check(code[:17]) == code[17]


ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def org_check(first8):
    """GB 11714 组织机构代码 check (digits only here)."""
    s = sum(int(c) * w for c, w in zip(first8, ORG_WEIGHTS))
    c = 11 - s % 11
    return "X" if c == 10 else ("0" if c == 11 else str(c))


# self-checks against the vectors in domain-standards.md
assert id_valid("34052419800101001X") and id_valid("11010519491231002X")
assert uscc_check("91350100M0001TGQX") == "1"


# ---------------------------------------------------------------------------
# Coordinates (domain-standards.md §5; wandergis/coordtransform formulas)
# ---------------------------------------------------------------------------

KRASOVSKY_A = 6378245.0
KRASOVSKY_EE = 0.00669342162296594323
PI = math.pi
X_PI = PI * 3000.0 / 180.0


def _tlat(x, y):
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * PI) + 20.0 * math.sin(2.0 * x * PI)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * PI) + 40.0 * math.sin(y / 3.0 * PI)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * PI) + 320 * math.sin(y * PI / 30.0)) * 2.0 / 3.0
    return r


def _tlng(x, y):
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * PI) + 20.0 * math.sin(2.0 * x * PI)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * PI) + 40.0 * math.sin(x / 3.0 * PI)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * PI) + 300.0 * math.sin(x / 30.0 * PI)) * 2.0 / 3.0
    return r


def wgs2gcj(lng, lat):
    dlat = _tlat(lng - 105.0, lat - 35.0)
    dlng = _tlng(lng - 105.0, lat - 35.0)
    radlat = lat / 180.0 * PI
    magic = 1 - KRASOVSKY_EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((KRASOVSKY_A * (1 - KRASOVSKY_EE)) / (magic * sqrtmagic) * PI)
    dlng = (dlng * 180.0) / (KRASOVSKY_A / sqrtmagic * math.cos(radlat) * PI)
    return lng + dlng, lat + dlat


def gcj2wgs(lng, lat):
    """Iterative inverse of wgs2gcj (fixed point; converges far below 1 mm)."""
    wl, wa = lng, lat
    for _ in range(100):
        gl, ga = wgs2gcj(wl, wa)
        dl, da = gl - lng, ga - lat
        wl, wa = wl - dl, wa - da
        if abs(dl) < 1e-12 and abs(da) < 1e-12:
            break
    return wl, wa


def gcj2bd(lng, lat):
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def bd2gcj(lng, lat):
    """Closed-form BD-09 -> GCJ-02 (the usual bd09togcj02)."""
    x, y = lng - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def bd2gcj_iter(lng, lat):
    """Iterative inverse of gcj2bd (cross-check only)."""
    gl, ga = bd2gcj(lng, lat)
    for _ in range(100):
        bl, ba = gcj2bd(gl, ga)
        dl, da = bl - lng, ba - lat
        gl, ga = gl - dl, ga - da
        if abs(dl) < 1e-12 and abs(da) < 1e-12:
            break
    return gl, ga


def _near(a, b):
    return abs(a - b) < 1e-9


_t = wgs2gcj(116.404, 39.915)
assert _near(_t[0], 116.41024449916938) and _near(_t[1], 39.91640428150164)
_t = gcj2bd(116.404, 39.915)
assert _near(_t[0], 116.41036949371029) and _near(_t[1], 39.92133699351021)
_t = bd2gcj(116.404, 39.915)
assert _near(_t[0], 116.39762729119315) and _near(_t[1], 39.90865673957631)


def f6(v):
    return f"{v:.6f}"


def _margin_ok(v):
    """True when v is not within 2.5e-7 deg of a 6-decimal rounding boundary."""
    f = v * 1e6
    return abs((f - math.floor(f)) - 0.5) > 0.25


def wgs_from(raw_lng, raw_lat, sys):
    """-> (lon6, lat6, robust). robust: every reasonable method rounds the same."""
    if sys in ("wgs84", "cgcs2000"):
        return f6(raw_lng), f6(raw_lat), True
    if sys == "gcj02":
        w = gcj2wgs(raw_lng, raw_lat)
        return f6(w[0]), f6(w[1]), _margin_ok(w[0]) and _margin_ok(w[1])
    if sys == "bd09":
        a = gcj2wgs(*bd2gcj(raw_lng, raw_lat))
        b = gcj2wgs(*bd2gcj_iter(raw_lng, raw_lat))
        robust = (f6(a[0]) == f6(b[0]) and f6(a[1]) == f6(b[1])
                  and all(_margin_ok(v) for v in (a[0], a[1], b[0], b[1])))
        return f6(a[0]), f6(a[1]), robust
    raise ValueError(sys)


# ---------------------------------------------------------------------------
# Time helpers. All source times are Beijing time (UTC+8, no DST) unless the
# source says otherwise.
# ---------------------------------------------------------------------------

EPOCH = dt.datetime(1970, 1, 1)
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
CST = dt.timedelta(hours=8)
HOUR_W = [1, 1, 1, 1, 1, 2, 4, 8, 12, 12, 11, 10, 8, 9, 10, 10, 9, 8, 7, 6, 5, 4, 3, 2]


def rand_dt(rng, d0=dt.date(2026, 10, 1), d1=dt.date(2026, 11, 15), ms=False):
    d = d0 + dt.timedelta(days=rng.randint(0, (d1 - d0).days))
    h = rng.choices(range(24), weights=HOUR_W)[0]
    us = rng.randint(0, 999) * 1000 if ms else 0
    return dt.datetime(d.year, d.month, d.day, h, rng.randint(0, 59), rng.randint(0, 59), us)


def utc_s(local):
    """Beijing local naive datetime -> RFC 3339 UTC with milliseconds."""
    u = local - CST
    return u.strftime("%Y-%m-%dT%H:%M:%S") + f".{u.microsecond // 1000:03d}Z"


def unix_ms(local):
    d = local - CST - EPOCH
    return d.days * 86400000 + d.seconds * 1000 + d.microseconds // 1000


def excel_serial(local):
    d = local - EXCEL_EPOCH
    s = f"{d.days + d.seconds / 86400:.10f}".rstrip("0").rstrip(".")
    return s


def ymd_hms(t):
    return t.strftime("%Y%m%d%H%M%S")


def slash_dt(t):  # 2026/9/5 8:03
    return f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}"


def dash_dt(t):
    return t.strftime("%Y-%m-%d %H:%M:%S")


def t_dt(t):  # 20260925T140300
    return t.strftime("%Y%m%dT%H%M%S")


def iso8(t):
    s = t.strftime("%Y-%m-%dT%H:%M:%S")
    if t.microsecond:
        s += f".{t.microsecond // 1000:03d}"
    return s + "+08:00"


def trunc_min(t):
    return t.replace(second=0, microsecond=0)


# ---------------------------------------------------------------------------
# Regions: GB/T 2260 + NBS 2023 (only codes listed in domain-standards.md §3)
# ---------------------------------------------------------------------------

COUNTIES = [
    ("211102", "双台子区", "district"),
    ("211103", "兴隆台区", "district"),
    ("211104", "大洼区", "district"),
    ("211122", "盘山县", "county"),
]

_TOWN_SPEC = {
    "211102": [("002", "胜利街道"), ("003", "建设街道"), ("004", "红旗街道"), ("005", "辽河街道"),
               ("008", "铁东街道"), ("009", "双盛街道"), ("100", "统一镇"), ("101", "陆家镇")],
    "211103": [("001", "振兴街道"), ("002", "兴隆街道"), ("003", "渤海街道"), ("004", "新工街道"),
               ("007", "曙光街道"), ("008", "欢喜岭街道"), ("013", "沈采街道"), ("016", "创新街道"),
               ("017", "兴盛街道"), ("018", "兴海街道"), ("019", "惠宾街道"),
               ("400", "盘锦高新技术产业开发区")],
    "211104": [("002", "二界沟街道"), ("004", "大洼街道"), ("005", "田家街道"), ("006", "榆树街道"),
               ("007", "王家街道"), ("009", "于楼街道"), ("101", "田庄台镇"), ("103", "东风镇"),
               ("104", "新开镇"), ("106", "清水镇"), ("107", "新兴镇"), ("108", "西安镇"),
               ("109", "新立镇"), ("112", "唐家镇"), ("113", "平安镇"), ("114", "赵圈河镇")],
    "211122": [("001", "太平街道"), ("002", "高升街道"), ("003", "得胜街道"), ("004", "东郭街道"),
               ("101", "沙岭镇"), ("103", "胡家镇"), ("104", "石新镇"), ("106", "羊圈子镇"),
               ("107", "古城子镇"), ("108", "坝墙子镇"), ("110", "陈家镇"), ("111", "甜水镇"),
               ("112", "吴家镇"), ("400", "盘山县林场")],
}


def town_level(sfx):
    n = int(sfx)
    if n < 100:
        return "subdistrict"
    if n < 200:
        return "town"
    if n < 400:
        return "township"
    return "special"


TOWNS = {c: [(c + s, n) for s, n in lst] for c, lst in _TOWN_SPEC.items()}
ALL_TOWN_CODES = {code for lst in TOWNS.values() for code, _ in lst}
COUNTY_NAME = {c: n for c, n, _ in COUNTIES}
TOWN_NAME = {code: n for lst in TOWNS.values() for code, n in lst}
# approximate WGS-84 boxes of the built-up areas (lng0, lng1, lat0, lat1)
BOX = {
    "211102": (122.030, 122.100, 41.180, 41.230),
    "211103": (121.990, 122.110, 41.090, 41.160),
    "211104": (122.040, 122.160, 40.970, 41.030),
    "211122": (121.960, 122.040, 41.220, 41.280),
}
COUNTY_W = [22, 45, 18, 15]
ROADS = {
    "211102": ["红旗大街", "建设街", "胜利街", "辽河路", "双盛街", "铁东路", "双兴北路", "园林路"],
    "211103": ["兴隆大街", "石油大街", "泰山路", "惠宾大街", "渤海路", "市府大路", "中兴路", "兴油街", "新工路", "沈采路"],
    "211104": ["向海大道", "迎宾路", "公园路", "新华路", "榆树路", "田庄台大街"],
    "211122": ["府前路", "建设路", "高升街", "太平大街", "得胜路", "东郭路"],
}
COMMUNITIES = {
    "211102": ["红旗小区", "胜利小区", "辽河花园", "双盛家园", "铁东小区"],
    "211103": ["惠宾小区", "泰山小区", "石油小区", "兴海小区", "创新家园", "渤海小区", "曙光小区"],
    "211104": ["向海花园", "大洼新城", "榆树小区", "王家小区"],
    "211122": ["太平小区", "高升家园", "府前花园", "得胜小区"],
}


def pick_county(rng):
    return rng.choices([c for c, _, _ in COUNTIES], weights=COUNTY_W)[0]


def pick_town(rng, county):
    return rng.choice(TOWNS[county])[0]


def rand_wgs(rng, county):
    b = BOX[county]
    return rng.uniform(b[0], b[1]), rng.uniform(b[2], b[3])


def make_address(rng, county, with_district=True):
    pre = COUNTY_NAME[county] if with_district else ""
    if rng.random() < 0.55:
        return f"{pre}{rng.choice(ROADS[county])}{rng.randint(1, 399)}号"
    return (f"{pre}{rng.choice(COMMUNITIES[county])}{rng.randint(1, 48)}号楼"
            f"{rng.randint(1, 6)}单元")


def norm_region(raw):
    """The normalisation the golden values assume (see README)."""
    r = raw.strip()
    if r == "211121":
        return "211104"
    if len(r) == 9:
        return r + "000"
    if len(r) == 12 and r.endswith("000000"):
        return norm_region(r[:6])
    return r


# ---------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋"
            "蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹常武乔贺")
GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂玉萍毅浩宇轩然欣怡涵晨远华志红梅淑珍凤燕国庆金"
         "丹鑫博文斌颖佳琳宏鹏飞建春雪晓东亮辉波永庆德海")
MOBILE_PREFIX = ["134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "182",
                 "183", "187", "188", "130", "131", "132", "155", "156", "185", "186", "133", "153", "180",
                 "181", "189", "177", "199", "166", "198"]
ID_REGIONS = ["211102", "211103", "211121", "211122"]  # people born in 大洼 before 2016 carry 211121


def rand_name(rng):
    g = rng.choice(GIVEN)
    if rng.random() < 0.65:
        g += rng.choice(GIVEN)
    return rng.choice(SURNAMES) + g


def rand_mobile(rng):
    return rng.choice(MOBILE_PREFIX) + f"{rng.randint(0, 99999999):08d}"


def rand_landline(rng):
    return f"0427-{rng.choice('235678')}{rng.randint(0, 999999):06d}"


def rand_id(rng, y0=1950, y1=2004):
    region = rng.choices(ID_REGIONS, weights=[25, 40, 17, 18])[0]
    b = dt.date(y0, 1, 1) + dt.timedelta(days=rng.randint(0, (dt.date(y1, 12, 31) - dt.date(y0, 1, 1)).days))
    body = f"{region}{b:%Y%m%d}{rng.randint(1, 999):03d}"
    return body + id_check(body)


def wrong_check(idno):
    """Same ID with a wrong (but well-formed) check character."""
    good = idno[17]
    for c in "0123456789X":
        if c != good:
            return idno[:17] + c
    raise AssertionError


# ---------------------------------------------------------------------------
# Departments (internal code, name, GB 32100 credit code)
# ---------------------------------------------------------------------------

_DEPT_SPEC = [
    # code, name, 登记管理部门+机构类别, region
    ("PJ001", "盘锦市政务服务中心", "12", "211100"),
    ("PJ002", "盘锦市公安局", "11", "211100"),
    ("PJ003", "盘锦市公安局交通警察支队", "11", "211100"),
    ("PJ004", "盘锦市生态环境局", "11", "211100"),
    ("PJ005", "盘锦市城市管理综合行政执法局", "11", "211100"),
    ("PJ006", "盘锦市住房和城乡建设局", "11", "211100"),
    ("PJ007", "盘锦市水务集团有限公司", "91", "211100"),
    ("PJ008", "盘锦市交通运输局", "11", "211100"),
    ("PJ009", "盘锦市人力资源和社会保障局", "11", "211100"),
    ("PJ010", "盘锦市教育局", "11", "211100"),
    ("PJ011", "盘锦市卫生健康委员会", "11", "211100"),
    ("PJ012", "盘锦市市场监督管理局", "11", "211100"),
    ("PJ013", "盘锦市医疗保障局", "11", "211100"),
    ("PJ014", "盘锦市不动产登记中心", "12", "211100"),
    ("PJ015", "盘锦市公安局兴隆台分局", "11", "211103"),
    ("PJ016", "双台子区人民政府", "11", "211102"),
    ("PJ017", "兴隆台区人民政府", "11", "211103"),
    ("PJ018", "大洼区人民政府", "11", "211104"),
    ("PJ019", "盘山县人民政府", "11", "211122"),
]


def build_departments():
    rng = rng_for("departments")
    out = []
    for code, name, prefix, region in _DEPT_SPEC:
        org8 = f"{rng.randint(0, 99999999):08d}"
        body = prefix + region + org8 + org_check(org8)
        cc = body + uscc_check(body)
        assert uscc_valid(cc)
        out.append((code, name, cc))
    return out


DEPTS = build_departments()
DEPT = {c: (n, cc) for c, n, cc in DEPTS}
DEPT_BY_NAME = {n: (c, cc) for c, n, cc in DEPTS}
COUNTY_GOV = {"211102": "PJ016", "211103": "PJ017", "211104": "PJ018", "211122": "PJ019"}


def company_uscc(rng):
    org8 = f"{rng.randint(0, 99999999):08d}"
    body = "91" + rng.choice(["211100", "211102", "211103", "211104", "211122"]) + org8 + org_check(org8)
    return body + uscc_check(body)


# ---------------------------------------------------------------------------
# Code tables
# ---------------------------------------------------------------------------

CATEGORIES = [
    ("01", "市容环境", ""),
    ("0101", "乱堆乱放", "01"), ("0102", "占道经营", "01"), ("0103", "私搭乱建", "01"),
    ("0104", "垃圾清运不及时", "01"), ("0105", "违规户外广告", "01"), ("0106", "道路不洁", "01"),
    ("02", "道路交通", ""),
    ("0201", "道路破损", "02"), ("0202", "交通信号灯故障", "02"), ("0203", "违章停车", "02"),
    ("0204", "公交运营", "02"), ("0206", "道路积水", "02"),
    ("03", "公共设施", ""),
    ("0301", "路灯不亮", "03"), ("0302", "井盖缺失破损", "03"), ("0303", "公共厕所", "03"),
    ("0304", "健身器材损坏", "03"), ("0306", "护栏损坏", "03"),
    ("04", "环境保护", ""),
    ("0401", "噪声污染", "04"), ("0402", "大气污染", "04"), ("0403", "水污染", "04"),
    ("0404", "固体废物", "04"), ("0405", "餐饮油烟", "04"),
    ("05", "供水供热燃气", ""),
    ("0501", "停水", "05"), ("0502", "爆管漏水", "05"), ("0503", "水压低", "05"),
    ("0504", "水质问题", "05"), ("0505", "供热不达标", "05"), ("0506", "燃气安全", "05"),
    ("06", "社会治安", ""),
    ("0601", "治安隐患", "06"), ("0602", "矛盾纠纷", "06"), ("0603", "电信诈骗", "06"),
    ("0604", "危化品运输安全", "06"),
    ("07", "劳动社保", ""),
    ("0701", "拖欠工资", "07"), ("0702", "社保缴纳", "07"), ("0703", "养老保险", "07"),
    ("0704", "医保报销", "07"),
    ("08", "教育医疗", ""),
    ("0801", "学校管理", "08"), ("0802", "校外培训", "08"), ("0803", "医疗服务", "08"),
    ("09", "政务服务", ""),
    ("0901", "户籍证件", "09"), ("0902", "出入境证件", "09"), ("0903", "车驾管业务", "09"),
    ("0904", "不动产登记", "09"),
    ("10", "住房物业", ""),
    ("1001", "物业管理", "10"), ("1002", "房屋质量", "10"),
    ("11", "市场监管", ""),
    ("1101", "食品安全", "11"), ("1102", "价格收费", "11"), ("1103", "消费维权", "11"),
    ("99", "其他", ""),
    ("9999", "其他诉求", "99"),
]
CAT_NAME = {c: n for c, n, _ in CATEGORIES}

CASE_STATUS = [
    # Chinese labels (12345 hotline, grid, environment)
    ("待受理", "RECEIVED"), ("已受理", "RECEIVED"), ("已上报", "RECEIVED"), ("已立案", "RECEIVED"),
    ("已派单", "DISPATCHED"), ("已转办", "DISPATCHED"), ("已派遣", "DISPATCHED"),
    ("已签收", "ACCEPTED"),
    ("处理中", "IN_PROGRESS"), ("处置中", "IN_PROGRESS"), ("调查处理中", "IN_PROGRESS"),
    ("已回复", "RESPONDED"), ("已反馈", "RESPONDED"), ("已处置", "RESPONDED"),
    ("已回访", "REVISITED"), ("已核查", "REVISITED"),
    ("已办结", "CLOSED"), ("已结案", "CLOSED"),
    ("已退单", "RETURNED"), ("已退回", "RETURNED"), ("已回退", "RETURNED"),
    ("重办", "REOPENED"),
    ("已撤销", "CANCELLED"), ("已作废", "CANCELLED"),
    # 随手拍 API numeric codes
    ("0", "RECEIVED"), ("1", "DISPATCHED"), ("2", "IN_PROGRESS"), ("3", "RESPONDED"),
    ("4", "CLOSED"), ("5", "RETURNED"), ("6", "CANCELLED"),
    # water utility ticket states
    ("NEW", "RECEIVED"), ("ASSIGNED", "DISPATCHED"), ("ACKED", "ACCEPTED"), ("REPAIRING", "IN_PROGRESS"),
    ("RESTORED", "RESPONDED"), ("CLOSED", "CLOSED"), ("CANCELLED", "CANCELLED"),
    # public-security self-service transaction results
    ("PROCESSING", "IN_PROGRESS"), ("SUCCESS", "CLOSED"), ("FAILED", "RETURNED"), ("CANCELED", "CANCELLED"),
]
STATUS_OF = dict(CASE_STATUS)
assert len(STATUS_OF) == len(CASE_STATUS)

CASE_CHANNEL = [
    ("电话", "phone"), ("12345热线", "phone"), ("热线电话", "phone"), ("12369热线", "phone"), ("客服热线", "phone"),
    ("网站", "web"), ("政府网站", "web"), ("12369网络举报平台", "web"),
    ("微信公众号", "wechat"), ("微信小程序", "wechat"), ("微信", "wechat"),
    ("随手拍APP", "app"), ("手机APP", "app"),
    ("短信", "sms"),
    ("窗口", "window"), ("来访", "window"),
    ("自助终端", "self_service"), ("自助机", "self_service"),
    ("网格员上报", "inspector"), ("巡查发现", "inspector"), ("巡检发现", "inspector"),
    ("视频监控", "video"),
    ("上级交办", "superior"), ("12345转办", "superior"),
]
CHANNEL_OF = dict(CASE_CHANNEL)

REVIEW_CHANNEL = [
    ("pc端", "pc"), ("PC端", "pc"),
    ("移动端", "mobile"), ("移动服务端", "mobile"),
    ("二维码", "qrcode"),
    ("政务大厅平板电脑", "hall_pad"), ("PJQ", "hall_pad"), ("评价器", "hall_pad"),
    ("政务大厅其他终端", "hall_terminal"), ("政务大厅自助终端", "hall_terminal"),
    ("电话", "phone_12345"), ("12345热线", "phone_12345"),
    ("短信", "sms"),
    ("系统默认评价", "system_default"),
]
RCHANNEL_OF = dict(REVIEW_CHANNEL)

APPEAL_TYPE = [("咨询", "consult"), ("求助", "help"), ("投诉", "complaint"), ("举报", "report"),
               ("建议", "suggestion"), ("表扬", "praise"), ("其他", "other")]
APPEAL_OF = dict(APPEAL_TYPE)

URGENCY = [("一般", "normal"), ("普通", "normal"), ("紧急", "urgent"), ("特急", "emergency"),
           ("1", "normal"), ("2", "urgent"), ("3", "emergency")]
URGENCY_OF = dict(URGENCY)

POLLUTION_TYPE = [("1", "0402", "大气"), ("2", "0403", "水"), ("3", "0401", "噪声"), ("4", "0404", "固废")]
POLLUTION_CAT = {r: c for r, c, _ in POLLUTION_TYPE}

WATER_FAULT = [("BG", "0502", "爆管"), ("TS", "0501", "停水"), ("SY", "0503", "水压低"), ("SZ", "0504", "水质浑浊")]
WATER_CAT = {r: c for r, c, _ in WATER_FAULT}

SELFSERVICE_BIZ = [
    ("HJZM", "0901", "户籍证明开具"), ("JZZQZ", "0901", "居住证签注"), ("SFZJD", "0901", "身份证办理进度查询"),
    ("GAQZ", "0902", "往来港澳通行证再次签注"), ("JSZHL", "0903", "机动车驾驶证期满换领"),
    ("JSZBL", "0903", "机动车驾驶证补领"), ("WFCL", "0903", "交通违法处理及罚款缴纳"),
]
BIZ_CAT = {r: c for r, c, _ in SELFSERVICE_BIZ}
BIZ_NAME = {r: n for r, _, n in SELFSERVICE_BIZ}

LEVEL_LABEL_HCP = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}


def write_code_table(name, version_comment, extra_comments, header, rows):
    keys = [r[0] for r in rows]
    assert len(keys) == len(set(keys)), f"duplicate keys in {name}"
    buf = io.StringIO()
    buf.write(f"# version: {version_comment}\n")
    for c in extra_comments:
        buf.write(f"# {c}\n")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    with open(os.path.join(CODES_DIR, name), "wb") as f:
        f.write(buf.getvalue().encode("utf-8"))
    return len(rows)


def write_code_tables():
    os.makedirs(CODES_DIR, exist_ok=True)
    counts = {}
    g = [("210000", "辽宁省", "province", "", ""), ("211100", "盘锦市", "prefecture", "210000", "")]
    for c, n, lvl in COUNTIES:
        g.append((c, n, lvl, "211100", ""))
    g.append(("211121", "大洼县", "county", "211100", "211104"))
    for c, _, _ in COUNTIES:
        for code, n in TOWNS[c]:
            g.append((code, n, town_level(code[6:]), c, ""))
    counts["gbt2260_panjin.csv"] = write_code_table(
        "gbt2260_panjin.csv", "GB/T 2260 / NBS 统计用区划代码 2023",
        ["source: NBS 2023年统计用区划代码 via modood/Administrative-divisions-of-China @57a0aa9 (domain-standards.md §3 [S31])",
         "level: province | prefecture | district (市辖区) | county (县) | subdistrict (街道, 乡级 001-099) | town (镇, 100-199) | special (政企合一等, 400-599)",
         "211121 大洼县 is a legacy code still present in older data (and in ID numbers); replaced_by=211104 大洼区. Date of the change: not confirmed.",
         "9-digit codes are 乡级 (6-digit county + 3); their 12-digit statistical form appends 000. Village/community (12-digit) codes are not included.",
         "generated by mappings/samples/generate.py"],
        ["code", "name", "level", "parent", "replaced_by"], g)
    counts["case_category.csv"] = write_code_table(
        "case_category.csv", "govsync-case-category 2026.1 (govsync's own two-level taxonomy for 12345/城管/随手拍/网格 cases; not a national standard)",
        ["two levels: 2-digit top categories (parent empty), 4-digit leaves whose parent is the first two digits",
         "99/9999 is the catch-all; generated by mappings/samples/generate.py"],
        ["code", "name", "parent"], CATEGORIES)
    counts["case_status.csv"] = write_code_table(
        "case_status.csv", "govsync-case-status 2026.1 (raw legacy status labels/codes seen in the sample platforms -> CaseRecord.status)",
        ["Chinese labels: 12345 hotline (GDZT), grid events (事件状态), environment complaints (办理状态)",
         "0-6: 随手拍 API numeric codes only (0 待处理, 1 已派发, 2 处理中, 3 已处理, 4 已办结, 5 已退回, 6 已撤销)",
         "NEW..CANCELLED: water-utility ticket states; RESTORED (供水已恢复, awaiting closure) -> RESPONDED",
         "PROCESSING/SUCCESS/FAILED/CANCELED: public-security self-service results; FAILED (request not fulfilled, reason in resultMsg) -> RETURNED",
         "已立案 (digital urban management: case registered, not yet dispatched) -> RECEIVED; 已核查 (inspector re-check after handling) -> REVISITED",
         "keys are matched after trimming; unknown raw values must be reported, not guessed"],
        ["raw", "status"], CASE_STATUS)
    counts["case_channel.csv"] = write_code_table(
        "case_channel.csv", "govsync-case-channel 2026.1 (raw intake channel labels -> CaseRecord.channel)",
        ["12345转办 (transferred from the 12345 platform) and 上级交办 both map to superior",
         "the 12345 hotline's own SLQD column says 电话 or 12345热线 for calls: both phone"],
        ["raw", "channel"], CASE_CHANNEL)
    counts["review_channel.csv"] = write_code_table(
        "review_channel.csv", "govsync-review-channel 2026.1 (好差评 channel labels -> ReviewRecord.channel; keyed by label because numeric pf codes differ between provinces)",
        ["labels from GB/T 39046 (PC端 移动服务端 二维码 政务大厅平板电脑 政务大厅其他终端 电话 短信), Zhejiang pf (pc端 移动端 ... 系统默认评价), .NET PF (政务大厅自助终端), Anhui evaluateChannel=PJQ",
         "PJQ / 评价器 (the counter-side rating device) has no item of its own in the 7-channel set: mapped to hall_pad",
         "do NOT key by the numeric codes 1..7: their meaning depends on the province (domain-standards.md §1)"],
        ["raw", "channel"], REVIEW_CHANNEL)
    counts["departments.csv"] = write_code_table(
        "departments.csv", "govsync-departments 2026.1 (sample Panjin departments; credit codes are synthetic but pass the GB 32100 check)",
        ["code: internal code used by the 12345 hotline (CBDWBM) and the 随手拍 API (handleDeptCode)",
         "credit_code: 18-char 统一社会信用代码, 11=机关 12=事业单位 91=企业, region 2111xx, org-code part passes its own check too"],
        ["code", "name", "credit_code"], DEPTS)
    counts["appeal_type.csv"] = write_code_table(
        "appeal_type.csv", "govsync-appeal-type 2026.1 (来电类别/诉求类型 labels -> CaseRecord.appeal_type)",
        [], ["raw", "appeal_type"], APPEAL_TYPE)
    counts["urgency.csv"] = write_code_table(
        "urgency.csv", "govsync-urgency 2026.1 (紧急程度 labels and water-utility urgency codes 1/2/3 -> CaseRecord.urgency)",
        ["1 普通 2 紧急 3 特急 are the water-utility codes"], ["raw", "urgency"], URGENCY)
    counts["pollution_type.csv"] = write_code_table(
        "pollution_type.csv", "govsync-pollution-type 2026.1 (environment complaint 污染类型代码 -> case_category.csv code)",
        [], ["raw", "category_code", "name"], POLLUTION_TYPE)
    counts["water_fault_type.csv"] = write_code_table(
        "water_fault_type.csv", "govsync-water-fault-type 2026.1 (water-utility fault_type -> case_category.csv code)",
        [], ["raw", "category_code", "name"], WATER_FAULT)
    counts["selfservice_biz.csv"] = write_code_table(
        "selfservice_biz.csv", "govsync-selfservice-biz 2026.1 (public-security self-service bizCode -> case_category.csv code)",
        [], ["raw", "category_code", "name"], SELFSERVICE_BIZ)
    return counts


# ---------------------------------------------------------------------------
# Sample content
# ---------------------------------------------------------------------------

# (category, appeal label, title, content)
TEMPLATES = [
    ("0101", "投诉", "小区门口乱堆建筑垃圾", "{addr}附近有人长期堆放建筑垃圾和废旧家具，占用人行道，行人只能走机动车道，希望尽快清理。"),
    ("0101", "举报", "楼道堆放杂物存在消防隐患", "{addr}楼道内堆满纸箱和旧自行车，消防通道被堵，物业劝阻无效。"),
    ("0102", "投诉", "早市占道经营堵塞道路", "{addr}早市商贩每天早上五点半到九点占道经营，机动车无法通行，垃圾遍地。"),
    ("0102", "投诉", "烧烤摊夜间占道经营", "{addr}路口晚上有烧烤摊占道经营，桌椅摆到马路上，油烟和噪音扰民。"),
    ("0103", "举报", "一楼住户私自扩建", "{addr}一楼住户私自扩建门市房，破坏小区绿地，请城管部门核查处理。"),
    ("0104", "投诉", "垃圾箱满溢无人清运", "{addr}垃圾箱已经满溢三天无人清运，异味很大，蚊蝇滋生。"),
    ("0105", "举报", "广告牌固定不牢有坠落隐患", "{addr}商铺门前新设的广告牌固定不牢，刮风时晃动，存在坠落隐患。"),
    ("0106", "投诉", "道路清扫不及时", "{addr}路段落叶和尘土多日无人清扫，车辆经过尘土飞扬。"),
    ("0201", "投诉", "路面塌陷出现大坑", "{addr}路面出现一个直径约一米的大坑，下雨后积水看不见，已有电动车摔倒。"),
    ("0202", "求助", "路口信号灯不亮", "{addr}路口信号灯全部不亮，早晚高峰车辆抢行，非常危险。"),
    ("0203", "举报", "车辆长期占用消防通道", "{addr}小区消防通道长期被私家车占用，多次反映物业无果。"),
    ("0204", "建议", "建议增加公交早班车次", "家住{addr}，每天早上坐公交上班，早班车间隔太长，建议早高峰加密班次。"),
    ("0206", "求助", "路段积水严重", "{addr}路段雨后积水没过脚踝，排水口被堵，行人无法通行。"),
    ("0301", "投诉", "路灯长时间不亮", "{addr}一带路灯连续一周不亮，夜间行人出行不安全。"),
    ("0302", "求助", "人行道井盖破损", "{addr}人行道上一处井盖破损下陷，容易绊倒行人，请尽快更换。"),
    ("0302", "举报", "井盖丢失", "{addr}非机动车道上井盖丢失，现用树枝临时遮挡，夜间很危险。"),
    ("0303", "投诉", "公厕长期锁门", "{addr}附近公共厕所长期锁门，周边群众如厕困难。"),
    ("0304", "求助", "健身器材损坏", "{addr}广场健身器材扶手断裂，有老人和小孩使用，存在安全隐患。"),
    ("0401", "投诉", "工地夜间施工噪声扰民", "{addr}附近工地夜间施工，晚上十一点以后仍有打桩和运输车辆声音，严重影响休息。"),
    ("0401", "投诉", "商铺音响噪声扰民", "{addr}商铺门口音响声音很大，从早到晚播放促销广告。"),
    ("0402", "举报", "企业烟囱冒黑烟", "{addr}附近一家企业烟囱夜间冒黑烟，气味刺鼻，怀疑偷排。"),
    ("0403", "举报", "排水口向河道排放污水", "{addr}附近排水口向河道排放污水，水面发黑有异味。"),
    ("0404", "举报", "有人倾倒工业废料", "有车辆在{addr}附近空地倾倒工业废料和废油桶。"),
    ("0405", "投诉", "烧烤店油烟直排", "{addr}楼下烧烤店油烟直排，楼上住户不敢开窗。"),
    ("0501", "咨询", "突然停水何时恢复", "{addr}从今天早上开始停水，没有看到停水通知，请问什么时候恢复供水？"),
    ("0502", "求助", "自来水管道破裂", "{addr}路边自来水管道破裂，水流到马路上，请尽快抢修。"),
    ("0503", "投诉", "高层住户水压低", "{addr}高层住户水压低，六楼以上早晚用水高峰基本没水。"),
    ("0504", "投诉", "自来水发黄浑浊", "{addr}自来水发黄浑浊，有铁锈味，不敢饮用。"),
    ("0505", "投诉", "暖气不热室温不达标", "{addr}家中室温只有十四度，暖气不热，请供热单位上门处理。"),
    ("0505", "咨询", "今年供热开始时间", "家住{addr}，请问今年什么时候开始供热，是否会提前试水？"),
    ("0506", "求助", "楼道内有燃气味", "{addr}楼道内闻到明显的燃气味，请燃气公司尽快上门检查。"),
    ("0601", "举报", "夜间有人聚集滋事", "{addr}附近夜间经常有人聚集饮酒吵闹，影响周边居民安全。"),
    ("0602", "求助", "邻里停车纠纷", "{addr}因车位问题与邻居发生纠纷，希望社区或派出所协调。"),
    ("0603", "咨询", "疑似电信诈骗咨询", "接到自称快递客服的电话要求转账退款，想咨询如何辨别和报案。"),
    ("0701", "求助", "工地拖欠农民工工资", "本人在{addr}某建筑工地务工，工程方拖欠2026年7月至9月工资共一万二千元，多次讨要无果。"),
    ("0702", "咨询", "灵活就业人员社保缴费", "咨询灵活就业人员养老保险的缴费档次和缴费方式。"),
    ("0703", "咨询", "养老金资格认证", "咨询退休人员养老金领取资格认证可以在哪里办理。"),
    ("0704", "咨询", "异地就医备案", "咨询去外省就医如何办理异地就医备案，需要哪些材料。"),
    ("0801", "投诉", "学校统一征订教辅资料", "孩子所在学校要求统一购买教辅资料，家长认为不合理。"),
    ("0802", "举报", "校外培训机构违规办学", "{addr}有校外培训机构在周末违规开展学科培训。"),
    ("0803", "投诉", "医院挂号排队时间长", "在市内医院就诊，挂号和取药排队时间过长，希望增加窗口。"),
    ("0901", "咨询", "户口迁移办理流程", "咨询从外市迁入盘锦落户需要哪些材料，在哪里办理。"),
    ("0903", "咨询", "驾驶证到期换证", "驾驶证下个月到期，咨询是否可以在自助机上换领。"),
    ("1001", "投诉", "物业不维修电梯", "{addr}电梯一个月内多次故障困人，物业一直拖延维修。"),
    ("1002", "投诉", "新房墙体开裂", "{addr}新交付的房屋墙体开裂、窗户渗水，开发商不予维修。"),
    ("1101", "举报", "超市销售过期食品", "{addr}附近超市货架上有过期的牛奶和面包在售。"),
    ("1102", "投诉", "停车场乱收费", "{addr}停车场收费标准未公示，收费明显高于规定。"),
    ("1103", "投诉", "预付卡商家关门", "在{addr}一家健身房办理的预付卡，商家突然关门无法退费。"),
    ("0502", "表扬", "表扬供水抢修人员", "{addr}前几天水管爆裂，供水抢修人员连夜抢修，特此表扬。"),
]

CAT_DEPT = {"01": "PJ005", "02": "PJ008", "03": "PJ005", "04": "PJ004", "05": "PJ007", "06": "PJ002",
            "07": "PJ009", "08": "PJ010", "09": "PJ002", "10": "PJ006", "11": "PJ012"}
LEAF_DEPT = {"0203": "PJ003", "0202": "PJ003", "0505": "PJ006", "0506": "PJ006", "0704": "PJ013",
             "0803": "PJ011", "0903": "PJ003", "0904": "PJ014"}


def dept_for(cat, county):
    if cat in LEAF_DEPT:
        return LEAF_DEPT[cat]
    return CAT_DEPT.get(cat[:2], COUNTY_GOV[county])


RESULT_TEXT = {
    "default": ["经现场核实，已安排人员处理完毕，并电话告知来电人。",
                "已转交属地街道办理，现已整改完毕。",
                "经核实情况属实，已责令相关责任方限期整改。",
                "已向来电人解释相关政策，来电人表示理解。"],
}
RETURN_REASONS = ["该诉求不属于本单位职责范围，依据《盘锦市12345政务服务便民热线管理办法》相关规定退回，建议转属地街道办理。",
                  "诉求地址不详，无法核实，申请退回补充信息。",
                  "该事项已进入司法程序，不属于本单位受理范围。"]


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------

def csv_bytes(header, rows, delimiter, encoding, newline, bom=False):
    out = bytearray()
    if bom:
        out += "\ufeff".encode("utf-8")
    for r in [header] + rows:
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_MINIMAL).writerow(r)
        b = buf.getvalue().encode(encoding)
        b = b.replace(INVALID_MARK.encode("ascii"), INVALID_BYTES)
        b = b.replace(EMPTYQ_MARK.encode("ascii"), b'""')
        out += b
    return bytes(out)


def ndjson_bytes(objs):
    return "".join(json.dumps(o, ensure_ascii=False, separators=(",", ":")) + "\n" for o in objs).encode("utf-8")


def write_sample(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


class Row:
    __slots__ = ("raw", "bad", "key", "exp", "tags")

    def __init__(self, raw, key=None):
        self.raw = raw
        self.bad = None
        self.key = key
        self.exp = {}
        self.tags = set()


def place_bad(n, count, rng):
    """Deterministic, spread-out data-row indices (0-based) for bad rows."""
    step = n // (count + 1)
    return [step * (i + 1) + rng.randint(-2, 2) for i in range(count)]


# ---------------------------------------------------------------------------
# 1. 12345 hotline
# ---------------------------------------------------------------------------

HOTLINE_COLS = [
    ("GDBH", "工单编号", "work-order number", "case_no"),
    ("SLSJ", "受理时间", "intake time, YYYYMMDDhhmmss, Beijing time", "received_at"),
    ("SLQD", "受理渠道", "intake channel label (电话/12345热线/网站/微信公众号/短信/上级交办)", "channel_raw → channel via case_channel.csv"),
    ("LDLB", "来电类别", "appeal type label (咨询/求助/投诉/举报/建议/表扬)", "appeal_type via appeal_type.csv"),
    ("LDRXM", "来电人姓名", "caller name; CHAR-padded, may be empty", "reporter_name (trimmed)"),
    ("LXDH", "联系电话", "caller phone: mobile, 0427- landline, spaced, +86, or two numbers joined by /", "reporter_phone"),
    ("SFZH", "身份证号", "caller ID number (GB 11643), often empty, check X sometimes lower-case", "reporter_id_no"),
    ("SFNM", "是否匿名", "1 = caller asked for anonymity, 0 = not", "is_anonymous"),
    ("SQBT", "诉求标题", "title", "title"),
    ("SQNR", "诉求内容", "content; may contain commas, ASCII quotes and line breaks (quoted)", "content"),
    ("FLBM", "分类编码", "category code (case_category.csv)", "category_code (+ category_name)"),
    ("JJCD", "紧急程度", "urgency label 一般/紧急/特急", "urgency via urgency.csv"),
    ("XZQH", "行政区划", "6-digit GB/T 2260 code; 大洼 rows often still 211121", "region_code (211121 → 211104)"),
    ("SJDZ", "事件地址", "address", "address"),
    ("JD", "经度", "longitude, BD-09 (Baidu), 6 decimals; empty when not located", "lon (→ WGS-84), coord_sys_original=bd09"),
    ("WD", "纬度", "latitude, BD-09", "lat (→ WGS-84)"),
    ("CBDWBM", "承办单位编码", "handling department, internal code (departments.csv code)", "agency_code, agency_name via departments.csv"),
    ("PDSJ", "派单时间", "dispatch time YYYYMMDDhhmmss", "dispatched_at"),
    ("BLSX", "办理时限", "deadline YYYYMMDDhhmmss", "due_at"),
    ("HFSJ", "回复时间", "reply time", "responded_at"),
    ("BJSJ", "办结时间", "closing time", "closed_at"),
    ("GDZT", "工单状态", "status label", "status_raw → status via case_status.csv"),
    ("BLJG", "办理结果", "result text", "result_text"),
    ("THYY", "退回原因", "return reason (已退单 rows)", "return_reason"),
    ("HFMYD", "回访满意度", "revisit satisfaction label 非常满意…非常不满意", "satisfaction_level 5…1"),
]

HOTLINE_STATUS_W = [("已办结", 42), ("已回访", 9), ("已回复", 9), ("处理中", 10), ("已签收", 5), ("已派单", 8),
                    ("待受理", 3), ("已受理", 4), ("已退单", 4), ("重办", 3), ("已撤销", 3)]
SAT_W = [(5, 50), (4, 28), (3, 10), (2, 8), (1, 4)]
ODD_NAMES = ["王䶮", "赵𫖯"]   # 䶮 U+4DAE and 𫖯 U+2B5AF: 4-byte sequences in GB18030, absent from GBK


def gen_hotline():
    rng = rng_for("hotline")
    n = 66
    times = sorted(rand_dt(rng) for _ in range(n))
    seq = {}
    rows = []
    for i, t in enumerate(times):
        day = t.date()
        seq[day] = seq.get(day, rng.randint(1, 20)) + rng.randint(1, 37)
        case_no = f"GD{t:%Y%m%d}{seq[day]:04d}"
        cat, appeal, title, content = rng.choice(TEMPLATES)
        county = pick_county(rng)
        addr = make_address(rng, county)
        content = content.format(addr=addr)
        tags = set()
        if rng.random() < 0.18:
            content = content.replace("，", ",")  # half-width commas typed by operators
            tags.add("comma")
        if rng.random() < 0.15:
            content += "\n补充：来电人称已多次反映，要求尽快处理并回复。"
            tags.add("newline")
        if i == 5:
            content = content.rstrip("。") + "，来电人称\"物业\"说这事不归他们管。"
            tags.add("quote")
        channel = rng.choices(["电话", "12345热线", "网站", "微信公众号", "短信", "上级交办"],
                              weights=[45, 20, 10, 15, 5, 5])[0]
        status = rng.choices([s for s, _ in HOTLINE_STATUS_W], weights=[w for _, w in HOTLINE_STATUS_W])[0]
        urg = rng.choices(["一般", "紧急", "特急"], weights=[85, 12, 3])[0]
        region = county
        if county == "211104" and rng.random() < 0.6:
            region = "211121"
            tags.add("211121")
        # reporter
        anonymous = rng.random() < 0.08
        name = "" if anonymous else rand_name(rng)
        if i in (20, 44):
            name = ODD_NAMES[0 if i == 20 else 1]
            tags.add("gb18030_4byte")
        name_raw = name
        r = rng.random()
        if name and r < 0.30:
            name_raw = name.ljust(6)                      # CHAR(n) padding
            tags.add("padded")
        elif name and r < 0.38:
            name_raw = " " + name + " "
            tags.add("padded")
        elif name and len(name) == 2 and r < 0.46:
            name_raw = name[0] + "  " + name[1]           # aligned 2-char name
            tags.add("inner_space")
        phone = rand_mobile(rng)
        r = rng.random()
        phone_raw, phone_exp = phone, phone
        if r < 0.10:
            phone_raw = phone_exp = rand_landline(rng)
            tags.add("landline")
        elif r < 0.18:
            phone_raw = f"{phone[:3]} {phone[3:7]} {phone[7:]}"
            tags.add("phone_odd")
        elif r < 0.23:
            phone_raw = "+86" + phone
            tags.add("phone_odd")
        elif r < 0.28:
            phone_raw = phone + "/" + rand_landline(rng)
            tags.add("phone_odd")
        idno = ""
        if name and rng.random() < 0.55:
            idno = rand_id(rng)
        id_raw = idno
        if idno.endswith("X") and rng.random() < 0.5:
            id_raw = idno[:-1] + "x"
            tags.add("id_lower")
        elif idno and rng.random() < 0.08:
            id_raw = idno + " "
            tags.add("id_space")
        # coordinates (BD-09)
        jd = wd = ""
        lon = lat = None
        robust = False
        if rng.random() < 0.88:
            for _attempt in range(50):   # prefer points whose WGS value is method-independent
                w = rand_wgs(rng, county)
                b = gcj2bd(*wgs2gcj(*w))
                jd, wd = f6(b[0]), f6(b[1])
                lon, lat, robust = wgs_from(float(jd), float(wd), "bd09")
                if robust:
                    break
        dept = dept_for(cat, county)
        # lifecycle
        stage_dispatch = status not in ("待受理", "已受理", "已撤销")
        pd = t + dt.timedelta(minutes=rng.randint(4, 95), seconds=rng.randint(0, 59)) if stage_dispatch else None
        days = 3 if appeal in ("咨询", "求助") else 13
        if urg == "特急":
            days = 0
        due = dt.datetime.combine(t.date() + dt.timedelta(days=days), dt.time(23, 59, 59))
        hf = bj = None
        result = thyy = sat_label = ""
        sat = None
        if status in ("已回复", "已回访", "已办结", "重办"):
            hf = pd + dt.timedelta(hours=rng.randint(3, 24 * days + 20), minutes=rng.randint(0, 59))
            result = rng.choice(RESULT_TEXT["default"])
        if status in ("已回访", "已办结"):
            sat = rng.choices([s for s, _ in SAT_W], weights=[w for _, w in SAT_W])[0]
            sat_label = LEVEL_LABEL_HCP[sat]
        if status == "已办结":
            bj = hf + dt.timedelta(hours=rng.randint(20, 30), minutes=rng.randint(0, 59))
        if status == "已退单":
            thyy = rng.choice(RETURN_REASONS)
        empty_style = EMPTYQ_MARK if rng.random() < 0.2 else ""   # "" vs nothing
        if empty_style:
            tags.add("empty_quoted")
        e = lambda v: v if v else empty_style
        raw = [case_no, ymd_hms(t), channel, appeal, e(name_raw), phone_raw, e(id_raw), "1" if anonymous else "0",
               title, content, cat, urg, region, addr, e(jd), e(wd), dept,
               ymd_hms(pd) if pd else e(""), ymd_hms(due), ymd_hms(hf) if hf else e(""),
               ymd_hms(bj) if bj else e(""), status, e(result), e(thyy), e(sat_label)]
        row = Row(raw, case_no)
        row.tags = tags
        if robust:
            row.tags.add("coord_robust")
        agency_name, agency_code = DEPT[dept]
        row.exp = {
            "case_no": case_no, "case_kind": "hotline", "channel": CHANNEL_OF[channel], "channel_raw": channel,
            "appeal_type": APPEAL_OF[appeal], "title": title, "content": content, "category_code": cat, "category_name": CAT_NAME[cat],
            "urgency": URGENCY_OF[urg], "status": STATUS_OF[status], "status_raw": status,
            "received_at": utc_s(t), "dispatched_at": utc_s(pd) if pd else None, "due_at": utc_s(due),
            "responded_at": utc_s(hf) if hf else None, "closed_at": utc_s(bj) if bj else None,
            "region_code": norm_region(region), "address": addr,
            "lon": lon, "lat": lat, "coord_sys_original": "bd09" if lon else None,
            "lon_raw": jd or None, "lat_raw": wd or None,
            "agency_code": agency_code, "agency_name": agency_name,
            "reporter_name": name or None, "reporter_phone": phone_exp,
            "reporter_id_no": idno or None, "is_anonymous": anonymous,
            "satisfaction_level": sat,
        }
        rows.append(row)

    # deliberate defects
    bad = place_bad(n, 6, rng)
    r = rows[bad[0]]
    r.raw[1] = r.raw[1][:6] + "32" + r.raw[1][8:]
    r.bad = f"SLSJ `{r.raw[1]}` is not a valid date (day 32): unparseable received time"
    r = rows[bad[1]]
    if not r.exp["reporter_id_no"]:
        idno = rand_id(rng)
        r.raw[4] = r.raw[4] or rand_name(rng)
    else:
        idno = r.exp["reporter_id_no"]
    r.raw[6] = wrong_check(idno)
    r.bad = f"SFZH `{r.raw[6]}` has a wrong GB 11643 check digit (correct: `{idno[17]}`)"
    r = rows[bad[2]]
    r.raw[21] = "已挂起"
    r.bad = "GDZT `已挂起` is not in case_status.csv (unknown status)"
    r = rows[bad[3]]
    r.bad = f"GDBH empty: missing case number (would have been {r.key})"
    r.raw[0] = ""
    r.key = None
    r = rows[bad[4]]
    nm = (r.exp["reporter_name"] or "刘")[:1]
    r.raw[4] = nm + INVALID_MARK + "华"
    r.bad = "LDRXM contains the bytes 0x81 0x20, invalid in GB18030 (mis-encoded name)"
    r = rows[bad[5]]
    r.raw = r.raw[:9]
    r.bad = "row truncated after SQBT: 9 of 25 columns"
    for b in bad:
        rows[b].tags.add("bad")

    header = [c for c, _, _, _ in HOTLINE_COLS]
    data = csv_bytes(header, [r.raw for r in rows], ",", "gb18030", "\r\n")
    write_sample("hotline_12345.csv", data)

    def good(r, *need, no=()):
        return ("bad" not in r.tags and all(t in r.tags for t in need) and not (set(no) & r.tags))

    plain = ("phone_odd", "inner_space", "id_lower", "id_space", "landline")
    golden = [
        ("first closed (已办结) order with BD-09 coordinates",
         lambda r: good(r, "coord_robust", no=plain) and r.exp["status"] == "CLOSED" and r.exp["reporter_name"]),
        ("legacy region 211121 → 211104",
         lambda r: good(r, "211121", "coord_robust", no=plain)),
        ("content with a line break (quoted field)",
         lambda r: good(r, "newline", "coord_robust", no=plain)),
    ]
    return rows, golden


# ---------------------------------------------------------------------------
# 2. 随手拍 citizen reports (HTTP API JSON)
# ---------------------------------------------------------------------------

CITIZEN_STATUS_W = [(0, 6), (1, 10), (2, 14), (3, 12), (4, 46), (5, 6), (6, 6)]
CITIZEN_CATS = ["01", "02", "03", "04", "10"]


def gen_citizen():
    rng = rng_for("citizen")
    n = 64
    times = sorted(rand_dt(rng, ms=True) for _ in range(n))
    tpls = [t for t in TEMPLATES if t[0][:2] in CITIZEN_CATS and t[1] != "表扬"]
    rows = []
    seq = 100
    for i, t in enumerate(times):
        seq += rng.randint(3, 120)
        rid = f"SSP{t:%Y%m%d}{seq:06d}"
        cat, appeal, title, content = rng.choice(tpls)
        county = pick_county(rng)
        town = pick_town(rng, county)
        addr = make_address(rng, county)
        tags = set()
        addr_raw = addr
        if rng.random() < 0.2:
            addr_raw = "辽宁省盘锦市  " + addr   # doubled space after the city
            tags.add("addr_space")
        for _attempt in range(50):   # prefer points whose WGS value rounds the same for any converged inverse
            w = rand_wgs(rng, county)
            g = wgs2gcj(*w)
            lng, lat = round(g[0], 6), round(g[1], 6)
            lon, latw, robust = wgs_from(lng, lat, "gcj02")
            if robust:
                break
        if robust:
            tags.add("coord_robust")
        status = rng.choices([s for s, _ in CITIZEN_STATUS_W], weights=[w_ for _, w_ in CITIZEN_STATUS_W])[0]
        upd = t + dt.timedelta(minutes=rng.randint(1, 60 * 24 * 6), milliseconds=rng.randint(0, 999))
        anonymous = rng.random() < 0.25
        real = None if anonymous else rand_name(rng)
        mobile = rand_mobile(rng)
        reporter = {"userId": f"U{rng.randint(10000000, 99999999)}", "nickName": rng.choice(
            ["盘锦老张", "向日葵", "风清扬", "辽河人家", "小雨", "红海滩", "晨跑者", "无名", "用户" + mobile[-4:]])}
        rmode = rng.random()
        if real:
            reporter["realName"] = real
        elif rmode < 0.5:
            reporter["realName"] = None
            tags.add("realname_null")
        elif rmode < 0.8:
            reporter["realName"] = ""
            tags.add("realname_empty")
        # else: key missing
        reporter["mobile"] = "" if anonymous and rng.random() < 0.5 else mobile
        photos = [f"https://sspimg.panjin.gov.cn/report/{t:%Y/%m/%d}/{rid}_{k + 1}.jpg"
                  for k in range(rng.choices([0, 1, 2, 3], weights=[10, 45, 30, 15])[0])]
        region = f"{town}000" if rng.random() < 0.85 else ""
        dept = dept_for(cat, county)
        obj = {
            "reportId": rid,
            "title": title,
            "description": content.format(addr=addr),
            "categoryCode": int(cat),          # JSON number: leading zero lost
            "categoryName": CAT_NAME[cat],
            "channel": rng.choices(["随手拍APP", "微信小程序", "微信公众号"], weights=[60, 25, 15])[0],
            "status": status,
            "createTime": unix_ms(t),
            "updateTime": unix_ms(upd),
            "location": {"lng": lng, "lat": lat, "coordType": "gcj02"},
            "address": addr_raw,
        }
        if region or rng.random() < 0.5:
            obj["regionCode"] = region       # "" vs missing
        else:
            tags.add("region_missing")
        obj["photos"] = photos
        obj["reporter"] = reporter
        obj["anonymous"] = anonymous
        reply = reply_t = None
        if status in (3, 4):
            reply = rng.choice(RESULT_TEXT["default"])
            reply_t = t + dt.timedelta(hours=rng.randint(2, 90), minutes=rng.randint(0, 59))
        if status in (1, 2, 3, 4, 5):
            obj["handleDeptCode"] = dept
        obj["replyContent"] = reply
        obj["replyTime"] = unix_ms(reply_t) if reply_t else None
        if status == 5:
            obj["returnReason"] = rng.choice(RETURN_REASONS[1:])
        row = Row(obj, rid)
        row.tags = tags
        cat_code = f"{int(cat):04d}"
        row.exp = {
            "case_no": rid, "channel": CHANNEL_OF[obj["channel"]], "channel_raw": obj["channel"],
            "category_code": cat_code, "category_name": CAT_NAME[cat],
            "status": STATUS_OF[str(status)], "status_raw": str(status),
            "received_at": utc_s(t), "source_updated_at": utc_s(upd),
            "responded_at": utc_s(reply_t) if reply_t else None,
            "region_code": norm_region(region) if region else None,
            "lon": lon, "lat": latw, "coord_sys_original": "gcj02",
            "lon_raw": f6(lng), "lat_raw": f6(lat),
            "agency_code": DEPT[dept][1] if "handleDeptCode" in obj else None,
            "is_anonymous": anonymous, "reporter_name": real, "media_urls": photos,
        }
        rows.append(row)

    bad = place_bad(n, 5, rng)
    r = rows[bad[0]]
    del r.raw["reportId"]
    r.bad = f"`reportId` key missing (would have been {r.key})"
    r.key = None
    r = rows[bad[1]]
    r.raw["location"] = {"lng": 0, "lat": 0, "coordType": "gcj02"}
    r.bad = "location is (0, 0): the phone had no fix"
    r = rows[bad[2]]
    loc = r.raw["location"]
    r.raw["location"] = {"lng": loc["lat"], "lat": loc["lng"], "coordType": "gcj02"}
    r.bad = f"lng/lat swapped ({loc['lat']}, {loc['lng']}): latitude 122 is out of range"
    r = rows[bad[3]]
    r.raw["status"] = 8
    r.bad = "status code 8 is not in case_status.csv (unknown status)"
    r = rows[bad[4]]
    r.raw["createTime"] = "2026-10-15 25:61"
    r.bad = "createTime is the string `2026-10-15 25:61` instead of unix ms (unparseable)"
    for b in bad:
        rows[b].tags.add("bad")
    write_sample("citizen_report.ndjson", ndjson_bytes([r.raw for r in rows]))

    ok = lambda r: "bad" not in r.tags and "coord_robust" in r.tags
    golden = [
        ("closed report (status 4) with photos, 12-digit region",
         lambda r: ok(r) and r.raw["status"] == 4 and r.raw["photos"] and r.raw.get("regionCode")),
        ("categoryCode number with lost leading zero, anonymous reporter",
         lambda r: ok(r) and r.raw["anonymous"] and r.raw["categoryCode"] < 1000 and r.raw.get("regionCode")),
        ("in progress (status 2), doubled space in address",
         lambda r: ok(r) and r.raw["status"] == 2 and "addr_space" in r.tags),
    ]
    return rows, golden


# ---------------------------------------------------------------------------
# 3. grid-management events
# ---------------------------------------------------------------------------

GRID_COLS = [
    ("事件编号", "event number", "case_no"),
    ("网格编码", "grid code: <county 6>-<乡级 3>-<grid 3>, e.g. 211103-002-015", "grid_code"),
    ("街道编码", "9-digit 乡级 code (GB/T 2260 + 3)", "region_code (padded with 000 to 12 digits)"),
    ("事件大类", "top category code (case_category.csv)", "— (implied by 事件小类)"),
    ("事件小类", "leaf category code", "category_code (+ category_name)"),
    ("事件描述", "description (may contain ';' → quoted)", "content"),
    ("上报人", "reporting grid inspector (网格员)", "reporter_name"),
    ("上报人工号", "inspector staff number", "extensions.inspector_no"),
    ("上报人电话", "inspector phone", "reporter_phone"),
    ("事件来源", "source label 网格员上报/视频监控/上级交办/巡查发现", "channel_raw → channel"),
    ("上报时间", "report time `YYYY/M/D H:MM` (no seconds, no zero padding)", "received_at"),
    ("立案时间", "registration time", "extensions.registered_at"),
    ("派遣时间", "dispatch time", "dispatched_at"),
    ("处置时限", "deadline as an Excel serial day number (days since 1899-12-30, local time)", "due_at"),
    ("处置时间", "time the handler reported completion", "responded_at"),
    ("结案时间", "closing time", "closed_at"),
    ("事件状态", "status label", "status_raw → status"),
    ("处置部门", "handling department NAME (departments.csv name)", "agency_name, agency_code via departments.csv"),
    ("事发地址", "address", "address"),
    ("经度", "longitude, CGCS2000 (国家2000), 6 decimals", "lon (as is), coord_sys_original=cgcs2000"),
    ("纬度", "latitude, CGCS2000", "lat"),
]
GRID_TEXT = [
    ("0101", "{addr}人行道堆放建筑垃圾约两立方米。"),
    ("0102", "{addr}有商贩占道经营，占用人行道约十米。"),
    ("0103", "{addr}发现新建违章彩钢房一处，约二十平方米。"),
    ("0104", "{addr}垃圾桶满溢，周边散落垃圾。"),
    ("0105", "{addr}门头广告牌破损，面板脱落。"),
    ("0106", "{addr}路面有泥土遗撒约五十米。"),
    ("0201", "{addr}人行道地砖松动破损约二十块。"),
    ("0206", "{addr}雨水篦子堵塞，路面积水。"),
    ("0301", "{addr}路灯灯杆倾斜，灯具不亮。"),
    ("0302", "{addr}雨水井盖缺失，已设置临时围挡。"),
    ("0304", "{addr}健身器材螺丝松动; 已告知社区。"),
    ("0306", "{addr}道路护栏被撞坏两节。"),
    ("0404", "{addr}空地有人倾倒生活垃圾和装修垃圾。"),
    ("0405", "{addr}餐饮店油烟净化设施未开启。"),
    ("0506", "{addr}燃气管道标识桩损坏。"),
    ("0601", "{addr}废弃房屋无人看管; 门窗破损，存在安全隐患。"),
]
GRID_STATUS_W = [("已上报", 5), ("已立案", 6), ("已派遣", 10), ("处置中", 12), ("已处置", 10), ("已核查", 7),
                 ("已结案", 42), ("已回退", 4), ("已作废", 4)]
GRID_DEPT = {"01": "PJ005", "02": "PJ006", "03": "PJ005", "04": "PJ004", "05": "PJ006", "06": "PJ002"}


def gen_grid():
    rng = rng_for("grid")
    n = 62
    times = sorted(trunc_min(rand_dt(rng, d1=dt.date(2026, 11, 18))) for _ in range(n))
    inspectors = []
    for k in range(14):
        county = pick_county(rng)
        town = pick_town(rng, county)
        inspectors.append((rand_name(rng), f"WGY{rng.randint(1000, 4642):04d}", rand_mobile(rng), county, town,
                           rng.randint(1, 120)))
    rows = []
    seq = {}
    for i, t in enumerate(times):
        name, staff, phone, county, town, gridno = rng.choice(inspectors)
        gridno = max(1, min(150, gridno + rng.randint(-2, 2)))
        grid = f"{county}-{town[6:]}-{gridno:03d}"
        cat, text = rng.choice(GRID_TEXT)
        addr = make_address(rng, county)
        source = rng.choices(["网格员上报", "视频监控", "上级交办", "巡查发现"], weights=[80, 8, 6, 6])[0]
        day = t.date()
        seq[day] = seq.get(day, 0) + rng.randint(1, 60)
        eid = f"WG{t:%Y%m%d}{seq[day]:05d}"
        status = rng.choices([s for s, _ in GRID_STATUS_W], weights=[w for _, w in GRID_STATUS_W])[0]
        reg = pd = fin = close = None
        if status != "已上报":
            reg = t + dt.timedelta(minutes=rng.randint(3, 40))
        if status not in ("已上报", "已立案", "已作废"):
            pd = reg + dt.timedelta(minutes=rng.randint(2, 30))
        due = trunc_min(reg + dt.timedelta(hours=rng.choice([4, 24, 48, 72]))) if reg else None
        if status in ("已处置", "已核查", "已结案"):
            fin = pd + dt.timedelta(minutes=rng.randint(40, 60 * 40))
        if status == "已结案":
            close = fin + dt.timedelta(minutes=rng.randint(30, 60 * 8))
        if source == "视频监控":
            reporter, rstaff, rphone = "", "", ""
        else:
            reporter, rstaff, rphone = name, staff, phone
        w = rand_wgs(rng, county)
        lng, lat = f6(w[0]), f6(w[1])
        dept = GRID_DEPT[cat[:2]]
        if cat[:2] == "01" and rng.random() < 0.3:
            dept = COUNTY_GOV[county]
        tags = set()
        street_raw = town
        if rng.random() < 0.1:
            street_raw = " " + town   # leading space from a CHAR export
            tags.add("street_space")
        raw = [eid, grid, street_raw, cat[:2], cat, text.format(addr=addr), reporter, rstaff, rphone, source,
               slash_dt(t), slash_dt(reg) if reg else "", slash_dt(pd) if pd else "",
               excel_serial(due) if due else "", slash_dt(fin) if fin else "", slash_dt(close) if close else "",
               status, DEPT[dept][0] if pd else "", addr, lng, lat]
        if ";" in raw[5]:
            tags.add("semicolon")
        row = Row(raw, eid)
        row.tags = tags
        row.exp = {
            "case_no": eid, "grid_code": grid, "region_code": norm_region(town),
            "category_code": cat, "category_name": CAT_NAME[cat],
            "channel": CHANNEL_OF[source], "channel_raw": source,
            "status": STATUS_OF[status], "status_raw": status,
            "received_at": utc_s(t), "dispatched_at": utc_s(pd) if pd else None,
            "due_at": utc_s(due) if due else None, "responded_at": utc_s(fin) if fin else None,
            "closed_at": utc_s(close) if close else None,
            "agency_name": DEPT[dept][0] if pd else None, "agency_code": DEPT[dept][1] if pd else None,
            "reporter_name": reporter or None, "reporter_phone": rphone or None,
            "lon": lng, "lat": lat, "coord_sys_original": "cgcs2000",
        }
        rows.append(row)

    bad = place_bad(n, 5, rng)
    r = rows[bad[0]]
    t0 = r.raw[10]
    r.raw[10] = "2026/10/32 " + t0.split(" ")[1]
    r.bad = f"上报时间 `{r.raw[10]}`: day 32, unparseable"
    r = rows[bad[1]]
    r.bad = f"事件编号 empty: missing case number (would have been {r.key})"
    r.raw[0] = ""
    r.key = None
    r = rows[bad[2]]
    r.raw = r.raw[:12]
    r.bad = "row cut after 立案时间: 12 of 21 columns"
    r = rows[bad[3]]
    r.raw[19], r.raw[20] = "0", "0"
    r.bad = "经度/纬度 are 0/0 (terminal without a fix)"
    r = rows[bad[4]]
    parts = r.raw[1].split("-")
    r.raw[1] = f"{parts[0]}-099-{parts[2]}"
    r.raw[2] = parts[0] + "099"
    r.bad = f"网格编码 `{r.raw[1]}` / 街道编码 `{r.raw[2]}`: 乡级 code 099 does not exist in gbt2260_panjin.csv"
    for b in bad:
        rows[b].tags.add("bad")
    header = [c for c, _, _ in GRID_COLS]
    write_sample("grid_event.csv", csv_bytes(header, [r.raw for r in rows], ";", "utf-8", "\n", bom=True))

    ok = lambda r: "bad" not in r.tags
    golden = [
        ("closed event (已结案) with deadline as Excel serial",
         lambda r: ok(r) and r.raw[16] == "已结案" and r.raw[6]),
        ("video-sourced event (no inspector)", lambda r: ok(r) and r.raw[9] == "视频监控" and r.raw[13]),
        ("description containing ';' (quoted field)",
         lambda r: ok(r) and "semicolon" in r.tags),
    ]
    return rows, golden


# ---------------------------------------------------------------------------
# 4. public-security self-service machine transactions
# ---------------------------------------------------------------------------

TERMINALS = [
    ("PJGA-ZZJ-0003", "兴隆台区政务服务中心一楼自助区", "211103", "PJ015"),
    ("PJGA-ZZJ-0007", "盘锦市政务服务中心公安自助服务区", "211103", "PJ002"),
    ("PJGA-ZZJ-0011", "双台子区红旗派出所大厅", "211102", "PJ002"),
    ("PJGA-ZZJ-0015", "大洼区政务服务中心", "211104", "PJ002"),
    ("PJGA-ZZJ-0019", "盘山县公安局户政大厅", "211122", "PJ002"),
    ("PJJJ-ZZJ-0002", "盘锦市车管所自助服务区", "211103", "PJ003"),
]
FAIL_MSG = ["人像比对未通过", "证件信息读取失败，请重新放置身份证", "照片质量不合格", "系统繁忙，请稍后重试"]


def gen_selfservice():
    rng = rng_for("selfservice")
    n = 64
    times = sorted(rand_dt(rng, ms=False) for _ in range(n))
    times = [t.replace(hour=max(8, min(t.hour, 17))) for t in times]
    times.sort()
    rows = []
    seq = 300
    for i, t in enumerate(times):
        term, loc, region, dept = rng.choice(TERMINALS)
        if dept == "PJ003":
            biz = rng.choice(["JSZHL", "JSZBL", "WFCL"])
        else:
            biz = rng.choices(["HJZM", "JZZQZ", "SFZJD", "GAQZ"], weights=[35, 25, 15, 25])[0]
        seq += rng.randint(1, 25)
        txn = f"GAZZ{t:%Y%m%d}{seq:07d}"
        name = rand_name(rng)
        idno = rand_id(rng, 1950, 2008)
        mobile = rand_mobile(rng)
        result = rng.choices(["SUCCESS", "FAILED", "CANCELED", "PROCESSING"], weights=[78, 10, 7, 5])[0]
        end = t + dt.timedelta(seconds=rng.randint(45, 420))
        tags = set()
        start_s = dash_dt(t)
        if rng.random() < 0.12:
            start_s += ".0"       # java.sql.Timestamp.toString()
            tags.add("dot0")
        obj = {
            "txnId": txn, "terminalId": term, "terminalAddr": loc, "regionCode": region,
            "bizCode": biz, "bizName": BIZ_NAME[biz],
            "applicantName": name + (" " if rng.random() < 0.1 else ""),
            "idCardNo": idno if not (idno.endswith("X") and rng.random() < 0.5) else idno[:-1] + "x",
            "mobile": mobile if rng.random() < 0.85 else None,
            "startTime": start_s,
            "endTime": dash_dt(end) if result != "PROCESSING" else None,
            "result": result,
            "resultMsg": rng.choice(FAIL_MSG) if result == "FAILED" else ("用户取消" if result == "CANCELED" else ""),
            "deptCode": DEPT[dept][1],
            "printed": result == "SUCCESS" and biz in ("HJZM", "JZZQZ"),
            "fee": "0.00" if biz != "WFCL" else f"{rng.choice([50, 100, 150, 200])}.00",
        }
        if obj["idCardNo"].endswith("x"):
            tags.add("id_lower")
        if obj["mobile"] is None:
            tags.add("mobile_null")
        row = Row(obj, txn)
        row.tags = tags
        row.exp = {
            "case_no": txn, "case_kind": "other", "appeal_type": "help", "channel": "self_service",
            "category_code": BIZ_CAT[biz], "category_name": CAT_NAME[BIZ_CAT[biz]], "title": BIZ_NAME[biz],
            "status": STATUS_OF[result], "status_raw": result,
            "received_at": utc_s(t), "closed_at": utc_s(end) if result != "PROCESSING" else None,
            "region_code": region, "agency_code": DEPT[dept][1], "agency_name": DEPT[dept][0],
            "reporter_name": name, "reporter_id_no": idno, "reporter_phone": obj["mobile"],
            "return_reason": obj["resultMsg"] if result == "FAILED" else None,
        }
        rows.append(row)

    bad = place_bad(n, 4, rng)
    r = rows[bad[0]]
    good_id = r.exp["reporter_id_no"]
    r.raw["idCardNo"] = wrong_check(good_id)
    r.bad = f"idCardNo `{r.raw['idCardNo']}` has a wrong check digit (correct: `{good_id[17]}`)"
    r = rows[bad[1]]
    r.raw["startTime"] = "0000-00-00 00:00:00"
    r.bad = "startTime `0000-00-00 00:00:00` (MySQL zero date): unparseable"
    r = rows[bad[2]]
    del r.raw["txnId"]
    r.bad = f"`txnId` key missing (would have been {r.key})"
    r.key = None
    r = rows[bad[3]]
    r.raw["result"] = "TIMEOUT"
    r.bad = "result `TIMEOUT` is not in case_status.csv (unknown status)"
    for b in bad:
        rows[b].tags.add("bad")
    write_sample("public_security_selfservice.ndjson", ndjson_bytes([r.raw for r in rows]))

    ok = lambda r: "bad" not in r.tags
    golden = [
        ("successful 户籍证明 transaction", lambda r: ok(r) and r.raw["result"] == "SUCCESS" and r.raw["bizCode"] == "HJZM"
         and "id_lower" not in r.tags and "dot0" not in r.tags and r.raw["mobile"]),
        ("failed transaction → RETURNED with reason", lambda r: ok(r) and r.raw["result"] == "FAILED"),
        ("startTime with `.0` suffix", lambda r: ok(r) and "dot0" in r.tags and r.raw["result"] == "SUCCESS"),
    ]
    return rows, golden


# ---------------------------------------------------------------------------
# 5. environment complaints (GBK, tab)
# ---------------------------------------------------------------------------

ENV_COLS = [
    ("投诉编号", "complaint number", "case_no"),
    ("投诉标题", "title", "title"),
    ("投诉人", "complainant name; `匿名` when anonymous", "reporter_name / is_anonymous"),
    ("联系电话", "phone", "reporter_phone"),
    ("投诉来源", "source 12369热线/12369网络举报平台/微信/12345转办/来访", "channel_raw → channel"),
    ("污染类型代码", "pollution type 1 大气 2 水 3 噪声 4 固废 (pollution_type.csv)", "category_code"),
    ("被投诉单位", "accused party", "extensions.accused_party"),
    ("投诉内容", "content", "content"),
    ("投诉时间", "complaint time `YYYYMMDDThhmmss` (GB/T 39046 style)", "received_at"),
    ("行政区划", "division code, 9-digit 乡级 (n..9) or 6-digit, incl. 211121", "region_code"),
    ("事发地址", "address", "address"),
    ("承办单位代码", "handling unit, GB 32100 credit code", "agency_code"),
    ("承办单位名称", "handling unit name", "agency_name"),
    ("承办人", "case officer", "extensions.handler"),
    ("承办时间", "time the unit took the case `YYYYMMDDThhmmss`", "dispatched_at"),
    ("承诺时限", "promised deadline `YYYYMMDDThhmmss`", "due_at"),
    ("办理状态", "status label", "status_raw → status"),
    ("反馈信息", "feedback text", "result_text"),
    ("反馈时间", "feedback time `YYYYMMDDThhmmss`; literal `NULL` or empty when none", "responded_at"),
]
ENV_TEXT = {   # (title, text, possible accused parties)
    "1": [("企业夜间偷排废气", "{obj}夜间排放废气，气味刺鼻，附近居民晚上不敢开窗。", ["盘锦恒源化工有限公司", "盘锦宏远塑料制品有限公司"]),
          ("沥青搅拌站粉尘污染", "{obj}生产时粉尘很大，周边车辆和窗台落满灰尘。", ["盘锦海诚沥青有限公司"]),
          ("露天焚烧垃圾", "{obj}附近有人露天焚烧垃圾和塑料，浓烟很大。", ["顺通物流园", "某废品收购站"])],
    "2": [("养殖场污水直排", "{obj}养殖废水直接排入沟渠，水体发黑发臭。", ["鑫达养殖场", "大洼某河蟹养殖户"]),
          ("洗车店污水排入雨水管网", "{obj}洗车污水直接排入雨水井。", ["兴旺洗车行", "速洁汽车美容店"]),
          ("河道出现大量死鱼", "{obj}下游河道出现死鱼，怀疑有企业排污。", ["盘锦润泽食品加工厂", "盘锦恒源化工有限公司"])],
    "3": [("工地夜间施工噪声", "{obj}晚上十点以后仍在施工，混凝土泵车噪声很大。", ["某住宅项目工地", "某道路改造工程项目部"]),
          ("冷却塔噪声扰民", "{obj}楼顶冷却塔二十四小时运转，噪声影响休息。", ["某商场", "某酒店"]),
          ("KTV噪声扰民", "{obj}营业到凌晨两点，音乐声和喧哗声很大。", ["金海岸KTV", "欢乐迪量贩KTV"])],
    "4": [("工业固废随意堆放", "{obj}在厂区外空地堆放废渣，未采取防渗防扬散措施。", ["盘锦宏远塑料制品有限公司", "盘锦恒源化工有限公司"]),
          ("危险废物去向不明", "{obj}的废机油桶被拉走，不知去向，怀疑非法处置。", ["某汽修厂", "顺通物流园"]),
          ("建筑垃圾倾倒农田", "{obj}的运输车夜间往农田里倾倒建筑垃圾。", ["某渣土运输公司"])],
}
ENV_STATUS_W = [("已受理", 8), ("已转办", 10), ("调查处理中", 15), ("已反馈", 15), ("已办结", 45), ("已退回", 7)]


def gen_env():
    rng = rng_for("environment")
    n = 62
    times = sorted(rand_dt(rng) for _ in range(n))
    rows = []
    seq = 0
    officers = [rand_name(rng) for _ in range(6)]
    for i, t in enumerate(times):
        seq += rng.randint(1, 9)
        cno = f"HJTS{t:%Y%m%d}{seq:04d}"
        ptype = rng.choices(["1", "2", "3", "4"], weights=[30, 15, 40, 15])[0]
        title, text, objs = rng.choice(ENV_TEXT[ptype])
        obj = rng.choice(objs)
        county = pick_county(rng)
        town = pick_town(rng, county)
        r_ = rng.random()
        region = town if r_ < 0.6 else county
        if county == "211104" and region == county and rng.random() < 0.7:
            region = "211121"
        addr = make_address(rng, county)
        source = rng.choices(["12369热线", "12369网络举报平台", "微信", "12345转办", "来访"], weights=[45, 15, 15, 20, 5])[0]
        anonymous = rng.random() < 0.2
        name = "匿名" if anonymous else rand_name(rng)
        phone = rand_mobile(rng) if rng.random() < 0.9 else rand_landline(rng)
        status = rng.choices([s for s, _ in ENV_STATUS_W], weights=[w for _, w in ENV_STATUS_W])[0]
        unit = "PJ004" if rng.random() < 0.7 else COUNTY_GOV[county]
        took = None if status == "已受理" else t + dt.timedelta(hours=rng.randint(1, 20), minutes=rng.randint(0, 59))
        due = dt.datetime.combine(t.date() + dt.timedelta(days=15), dt.time(17, 0, 0)) if took else None
        fb = None
        feedback = ""
        if status in ("已反馈", "已办结"):
            fb = took + dt.timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 6))
            feedback = rng.choice(["经现场调查，投诉情况属实，已责令该单位立即整改并处罚款。",
                                   "经现场监测，噪声排放未超过标准限值，已向投诉人解释。",
                                   "已联合属地街道现场检查，责令停止违法行为，后续跟踪督办。"])
        if status == "已退回":
            feedback = "该事项不属于生态环境部门职责，已退回12345平台。"
        tags = set()
        fb_raw = t_dt(fb) if fb else ("NULL" if rng.random() < 0.4 else "")
        if fb_raw == "NULL":
            tags.add("null_literal")
        raw = [cno, title, name, phone, source, ptype, obj, text.format(obj=obj), t_dt(t), region, addr,
               DEPT[unit][1] if took else "", DEPT[unit][0] if took else "",
               rng.choice(officers) if took else "", t_dt(took) if took else "", t_dt(due) if due else "",
               status, feedback, fb_raw]
        if len(region) == 9:
            tags.add("region9")
        if region == "211121":
            tags.add("211121")
        row = Row(raw, cno)
        row.tags = tags
        row.exp = {
            "case_no": cno, "case_kind": "complaint", "appeal_type": "complaint",
            "channel": CHANNEL_OF[source], "channel_raw": source,
            "category_code": POLLUTION_CAT[ptype], "category_name": CAT_NAME[POLLUTION_CAT[ptype]],
            "status": STATUS_OF[status], "status_raw": status,
            "received_at": utc_s(t), "dispatched_at": utc_s(took) if took else None,
            "due_at": utc_s(due) if due else None, "responded_at": utc_s(fb) if fb else None,
            "region_code": norm_region(region),
            "agency_code": DEPT[unit][1] if took else None,
            "is_anonymous": anonymous, "reporter_name": None if anonymous else name,
        }
        rows.append(row)
    bad = place_bad(n, 5, rng)
    r = rows[bad[0]]
    r.raw[7] = r.raw[7][:6] + INVALID_MARK + r.raw[7][6:]
    r.bad = "投诉内容 contains the bytes 0x81 0x20, invalid in GBK (corrupted text)"
    r = rows[bad[1]]
    r.raw[8] = r.raw[8][:9] + "25" + r.raw[8][11:]
    r.bad = f"投诉时间 `{r.raw[8]}`: hour 25, unparseable"
    r = rows[bad[2]]
    r.raw[16] = "待定"
    r.bad = "办理状态 `待定` is not in case_status.csv (unknown status)"
    r = rows[bad[3]]
    r.bad = f"投诉编号 empty: missing case number (would have been {r.key})"
    r.raw[0] = ""
    r.key = None
    r = rows[bad[4]]
    r.raw = r.raw[:8]
    r.bad = "row cut after 投诉内容: 8 of 19 columns"
    for b in bad:
        rows[b].tags.add("bad")
    header = [c for c, _, _ in ENV_COLS]
    write_sample("environment_complaint.csv", csv_bytes(header, [r.raw for r in rows], "\t", "gbk", "\r\n"))

    ok = lambda r: "bad" not in r.tags
    golden = [
        ("closed complaint with a 9-digit region code", lambda r: ok(r) and "region9" in r.tags
         and r.raw[16] == "已办结"),
        ("legacy 211121 region", lambda r: ok(r) and "211121" in r.tags),
        ("anonymous complaint, literal NULL feedback time", lambda r: ok(r) and r.exp["is_anonymous"]
         and "null_literal" in r.tags) ,
    ]
    return rows, golden


# ---------------------------------------------------------------------------
# 6. water-utility fault tickets
# ---------------------------------------------------------------------------

WATER_TEXT = {
    "BG": ["{addr}路边DN300供水管道爆管，路面冒水。", "{addr}小区门口地下管道破裂，积水严重。"],
    "TS": ["{addr}整栋楼停水，无停水通知。", "{addr}片区自早上起停水。"],
    "SY": ["{addr}五楼以上水压低，早晚高峰无水。", "{addr}水压明显下降，热水器无法启动。"],
    "SZ": ["{addr}自来水浑浊发黄。", "{addr}管网维修后放水仍有泥沙。"],
}
WATER_STATUS_W = [("NEW", 6), ("ASSIGNED", 10), ("ACKED", 6), ("REPAIRING", 14), ("RESTORED", 12), ("CLOSED", 46),
                  ("CANCELLED", 6)]


def gen_water():
    rng = rng_for("water")
    n = 63
    times = sorted(rand_dt(rng, ms=False) for _ in range(n))
    rows = []
    seq = 0
    teams = ["抢修一队", "抢修二队", "抢修三队", "管网巡检班", "水质检测站"]
    for i, t in enumerate(times):
        seq += rng.randint(1, 7)
        tno = f"SW{t:%Y%m%d}{seq:05d}"
        ft = rng.choices(["BG", "TS", "SY", "SZ"], weights=[25, 30, 25, 20])[0]
        urg = {"BG": [2, 3], "TS": [1, 2], "SY": [1], "SZ": [1, 2]}[ft]
        urgency = rng.choice(urg)
        county = pick_county(rng)
        region = county
        tags = set()
        if county == "211104" and rng.random() < 0.6:
            region = "211121"
            tags.add("211121")
        addr = make_address(rng, county)
        source = rng.choices(["客服热线", "12345转办", "巡检发现", "微信公众号"], weights=[45, 25, 15, 15])[0]
        status = rng.choices([s for s, _ in WATER_STATUS_W], weights=[w for _, w in WATER_STATUS_W])[0]
        t_reported = t.replace(microsecond=rng.choice([0, 0, 0, 250000, 500000]))
        order = ["NEW", "ASSIGNED", "ACKED", "REPAIRING", "RESTORED", "CLOSED"]
        k = order.index(status) if status in order else 0
        ts = {}
        cur = t_reported
        for name, step in (("dispatched_at", 1), ("arrived_at", 3), ("restored_at", 4), ("closed_at", 5)):
            if k >= step:
                cur = cur + dt.timedelta(minutes=rng.randint(5, 240))
                ts[name] = cur
        expected = t + dt.timedelta(hours={1: 24, 2: 12, 3: 6}[urgency])

        def fmt(x):
            if x is None:
                return None
            return iso8(x)
        rep_s = fmt(t_reported)
        if rng.random() < 0.12:   # some rows come through a gateway that writes UTC
            u = t_reported - CST
            rep_s = u.strftime("%Y-%m-%dT%H:%M:%S") + (f".{u.microsecond // 1000:03d}" if u.microsecond else "") + "Z"
            tags.add("utc_z")
        if t_reported.microsecond:
            tags.add("frac")
        w = rand_wgs(rng, county)
        name = rand_name(rng) if source != "巡检发现" else ""
        obj = {
            "ticket_no": tno,
            "fault_type": ft,
            "fault_desc": rng.choice(WATER_TEXT[ft]).format(addr=addr),
            "urgency": urgency if rng.random() < 0.8 else str(urgency),
            "source": source,
            "status": status,
            "reported_at": rep_s,
            "dispatched_at": fmt(ts.get("dispatched_at")),
            "arrived_at": fmt(ts.get("arrived_at")),
            "restored_at": fmt(ts.get("restored_at")),
            "closed_at": fmt(ts.get("closed_at")),
            "expected_restore_at": fmt(expected),
            "address": addr,
            "region_code": region,
            "gps": f"{w[0]:.6f},{w[1]:.6f}",
            "contact_name": name,
            "contact_phone": rand_mobile(rng) if name else "",
            "affected_households": rng.randint(1, 30) if ft in ("SY", "SZ") else rng.randint(20, 1200),
            "dept_credit_code": DEPT["PJ007"][1],
            "repair_team": rng.choice(teams) if k >= 1 else "",
        }
        if isinstance(obj["urgency"], str):
            tags.add("urgency_str")
        row = Row(obj, tno)
        row.tags = tags
        row.exp = {
            "case_no": tno, "case_kind": "fault", "category_code": WATER_CAT[ft],
            "category_name": CAT_NAME[WATER_CAT[ft]], "urgency": URGENCY_OF[str(urgency)],
            "channel": CHANNEL_OF[source], "channel_raw": source,
            "status": STATUS_OF[status], "status_raw": status,
            "received_at": utc_s(t_reported), "dispatched_at": utc_s(ts["dispatched_at"]) if "dispatched_at" in ts else None,
            "due_at": utc_s(expected), "responded_at": utc_s(ts["restored_at"]) if "restored_at" in ts else None,
            "closed_at": utc_s(ts["closed_at"]) if "closed_at" in ts else None,
            "region_code": norm_region(region), "lon": f6(w[0]), "lat": f6(w[1]), "coord_sys_original": "wgs84",
            "agency_code": DEPT["PJ007"][1],
        }
        rows.append(row)
    bad = place_bad(n, 4, rng)
    r = rows[bad[0]]
    del r.raw["ticket_no"]
    r.bad = f"`ticket_no` key missing (would have been {r.key})"
    r.key = None
    r = rows[bad[1]]
    x = dt.datetime.fromisoformat(r.raw["reported_at"].replace("Z", "+00:00")).astimezone(
        dt.timezone(CST)).replace(tzinfo=None)
    r.raw["reported_at"] = f"{x:%Y-%m-%d} {x.hour}点{x.minute}分"
    r.bad = f"reported_at `{r.raw['reported_at']}`: free text, unparseable"
    r = rows[bad[2]]
    r.raw["urgency"] = 7
    r.bad = "urgency 7 is not in urgency.csv (only 1/2/3)"
    r = rows[bad[3]]
    a, b = r.raw["gps"].split(",")
    r.raw["gps"] = f"{b},{a}"
    r.bad = f"gps `{r.raw['gps']}`: latitude and longitude swapped"
    for b_ in bad:
        rows[b_].tags.add("bad")
    write_sample("water_fault.ndjson", ndjson_bytes([r.raw for r in rows]))

    ok = lambda r: "bad" not in r.tags
    golden = [
        ("closed burst-pipe ticket", lambda r: ok(r) and r.raw["status"] == "CLOSED" and r.raw["fault_type"] == "BG"
         and "utc_z" not in r.tags),
        ("reported_at written in UTC (`Z`)", lambda r: ok(r) and "utc_z" in r.tags),
        ("legacy region 211121 → 211104", lambda r: ok(r) and "211121" in r.tags),
    ]
    return rows, golden


# ---------------------------------------------------------------------------
# 7. window 好差评 (interface scheme) and 7b (GB/T 39046 scheme)
# ---------------------------------------------------------------------------

ITEMS = [
    # basic code, item name, dept
    ("0001170100", "户籍证明开具", "PJ002"),
    ("0001170200", "居住证签注", "PJ002"),
    ("0001180300", "机动车驾驶证期满换领", "PJ003"),
    ("0002200100", "不动产首次登记", "PJ014"),
    ("0002200200", "不动产转移登记", "PJ014"),
    ("0003100100", "企业设立登记", "PJ012"),
    ("0003100400", "个体工商户设立登记", "PJ012"),
    ("0003120100", "食品经营许可", "PJ012"),
    ("0004150100", "社会保障卡补换", "PJ009"),
    ("0004150300", "失业保险金申领", "PJ009"),
    ("0005160200", "异地就医备案", "PJ013"),
    ("0006110100", "建筑工程施工许可证核发", "PJ006"),
    ("0007130100", "取水许可", "PJ007"),
    ("0008140100", "排污许可证核发", "PJ004"),
]
GOOD_COMMENTS = ["工作人员态度很好，一次就办完了。", "流程清楚，等候时间短。", "窗口人员耐心解释，非常满意。",
                 "", "", "", "办事效率高，点赞！", "材料一次性告知，没有跑冤枉路。", "服务热情周到。"]
MID_COMMENTS = ["排队时间有点长。", "", "整体还可以，希望增加周末窗口。"]
BAD_COMMENTS = ["跑了三趟还没办完，每次都说缺材料，一次性告知制度没有落实。",
                "窗口人员态度生硬，问两句就不耐烦。",
                "系统故障等了一个多小时，也没人解释。",
                "说好的即办件，拖了一周还没出证。",
                "工作人员中途离岗二十分钟，后面排队的人都很有意见。"]
SECOND_COMMENTS = ["经回访整改，工作人员主动联系并上门补办，问题已解决。", "整改后重新办理，速度快了很多。"]
PF_W = [("政务大厅平板电脑", 45), ("PJQ", 12), ("pc端", 6), ("PC端", 4), ("移动端", 12), ("二维码", 10),
        ("短信", 5), ("系统默认评价", 6)]
INDICATORS_GOOD = ["501", "502", "503", "504"]
INDICATORS_BAD = ["511", "512", "513", "514"]

WINDOW_COLS = [
    ("projectNo", "办件统一编号", "case number of the service transaction", "case_no; review_id = projectNo-assessNumber"),
    ("taskCode", "事项实施编码", "item implementation code (an..24)", "item_code"),
    ("taskName", "事项名称", "item name", "item_name"),
    ("deptCode", "部门统一社会信用代码", "department credit code (departments.csv credit_code)", "agency_code"),
    ("proDepart", "办理部门", "department name", "agency_name"),
    ("areaCode", "行政区划", "12-digit: 6-digit county + 000000", "region_code (→ 6 digits)"),
    ("windowNo", "窗口号", "window number", "window_id"),
    ("proManager", "办理人", "clerk who handled the case", "staff_name"),
    ("pf", "评价渠道", "channel LABEL (review_channel.csv)", "channel_raw → channel"),
    ("userProp", "用户属性", "1 个人 person, 2 法人 legal entity", "evaluator_type"),
    ("userName", "评价人", "evaluator (person or company name)", "evaluator_name"),
    ("certkeyGOV", "证件号", "ID number (GB 11643) or credit code (GB 32100) for 法人", "evaluator_key (HMAC)"),
    ("satisfaction", "满意度", "1..5, interface scheme: 5 非常满意 … 1 非常不满意", "level = satisfaction, level_raw, level_scheme=hcp_interface"),
    ("evalDetail", "评价指标", "indicator codes, comma list \"501,502\" (opaque)", "indicator_codes"),
    ("writingEvaluation", "文字评价", "comment", "comment_text"),
    ("assessTime", "评价时间", "`yyyy-MM-dd HH:mm:ss` Beijing time", "evaluated_at"),
    ("assessNumber", "评价次数", "1 首次, 2 二次 (re-evaluation after rectification, same projectNo)", "eval_seq"),
    ("proStatus", "办件状态", "1 待办理 2 办理中 3 已完结", "extensions.pro_status"),
    ("promiseTime", "办件类型", "Zhejiang order: 1 承诺件 2 即办件 (reverse of GB/T 39046 A.6)", "extensions.promise_type"),
    ("acceptDate", "受理时间", "`yyyy-MM-dd HH:mm:ss`", "extensions.accepted_at"),
    ("appStatus", "审核状态", "1 无需审核 2 已审核 3 未审核", "extensions.audit_status"),
]

WINDOW_GB_COLS = [
    ("办件编号", "case number", "case_no; review_id = 办件编号-评价次数"),
    ("实施编码", "item implementation code", "item_code"),
    ("事项名称", "item name", "item_name"),
    ("受理单位代码", "credit code of the unit", "agency_code"),
    ("受理单位名称", "unit name", "agency_name"),
    ("评价渠道", "free-text channel (PC端/移动服务端/二维码/政务大厅平板电脑/政务大厅其他终端/电话/短信)", "channel_raw → channel"),
    ("评价人", "evaluator name", "evaluator_name"),
    ("评价时间", "`YYYYMMDDThhmmss` Beijing time", "evaluated_at"),
    ("评价次数", "1 first, 2 second", "eval_seq"),
    ("满意度", "label 非常满意…非常不满意", "(cross-check of the code)"),
    ("满意度代码", "GB/T 39046 A.8: 1 非常满意 … 5 非常不满意", "level = 6 − code, level_raw, level_scheme=gb39046_a8"),
    ("文字评价", "comment", "comment_text"),
    ("行政区划", "9-digit 乡级 code (n..9)", "region_code (+000 → 12 digits)"),
]


def _level(rng):
    return rng.choices([5, 4, 3, 2, 1], weights=[54, 14, 10, 13, 9])[0]


def _comment(rng, level):
    if level >= 4:
        return rng.choice(GOOD_COMMENTS)
    if level == 3:
        return rng.choice(MID_COMMENTS)
    return rng.choice(BAD_COMMENTS)


def _evaluations(rng, n_first, n_second, county_pool):
    firsts = []
    companies = [(f"盘锦{nm}有限公司", company_uscc(rng)) for nm in
                 ["恒信商贸", "辽河建筑工程", "海川物流", "鑫源石油技术服务", "兴盛餐饮管理", "北方稻米"]]
    clerks = {}
    for _ in range(n_first):
        t = rand_dt(rng, d1=dt.date(2026, 11, 12))
        t = t.replace(hour=rng.randint(8, 17))
        basic, item, dept = rng.choice(ITEMS)
        county = rng.choice(county_pool)
        town = pick_town(rng, county)
        clerk_key = (dept, rng.randint(0, 3))
        if clerk_key not in clerks:
            clerks[clerk_key] = (rand_name(rng), f"{rng.choice('ABC')}{rng.randint(1, 24):02d}")
        clerk, window = clerks[clerk_key]
        legal = rng.random() < 0.15 and dept in ("PJ012", "PJ006", "PJ004", "PJ007", "PJ014")
        if legal:
            uname, cert = rng.choice(companies)
        else:
            uname, cert = rand_name(rng), rand_id(rng, 1955, 2006)
        accept = (t - dt.timedelta(days=rng.randint(0, 10))).replace(hour=rng.randint(8, 16), minute=rng.randint(0, 59),
                                                                      second=rng.randint(0, 59))
        if accept >= t:
            accept = t - dt.timedelta(minutes=rng.randint(5, 50))
        firsts.append(dict(t=t, accept=accept, basic=basic, item=item, dept=dept, county=county, town=town,
                           clerk=clerk, window=window, legal=legal, uname=uname, cert=cert, seq=1,
                           level=_level(rng)))
    firsts.sort(key=lambda e: e["t"])
    badones = [e for e in firsts if e["level"] <= 2]
    seconds = []
    for e in badones[:n_second]:
        s = dict(e)
        s["seq"] = 2
        s["t"] = e["t"] + dt.timedelta(days=rng.randint(2, 6), hours=rng.randint(0, 3))
        s["level"] = rng.choice([4, 5, 5])
        s["second"] = True
        seconds.append(s)
    evs = sorted(firsts + seconds, key=lambda e: e["t"])
    return evs


def gen_window():
    rng = rng_for("window")
    evs = _evaluations(rng, 63, 7, [c for c, _, _ in COUNTIES])
    pno = {}
    rows = []
    counter = 0
    for e in evs:
        key = id(e) if e["seq"] == 1 else None
        if e["seq"] == 1:
            counter += rng.randint(1, 40)
            e["projectNo"] = f"{e['county']}{e['accept']:%y%m%d}{counter:06d}"
        rows.append(e)
    # second evaluations share the first's projectNo
    firsts = {(x["t"], x["item"], x["uname"]): x for x in rows if x["seq"] == 1}
    out = []
    for e in rows:
        if e["seq"] == 2:
            # find the first evaluation it copies
            src = [x for x in rows if x["seq"] == 1 and x["uname"] == e["uname"] and x["item"] == e["item"]
                   and x["accept"] == e["accept"]][0]
            e["projectNo"] = src["projectNo"]
        pf = rng.choices([p for p, _ in PF_W], weights=[w for _, w in PF_W])[0]
        level = e["level"]
        comment = _comment(rng, level)
        if e["seq"] == 2:
            comment = rng.choice(SECOND_COMMENTS)
            pf = rng.choice(["移动端", "政务大厅平板电脑"])
        if pf == "系统默认评价":
            level, comment = 5, ""
            e["level"] = 5
        inds = INDICATORS_GOOD if level >= 3 else INDICATORS_BAD
        ev_detail = ",".join(sorted(rng.sample(inds, rng.randint(1, 3))))
        dname, dcc = DEPT[e["dept"]]
        promise = rng.choice(["1", "2"])
        raw = [e["projectNo"], f"{e['county']}{e['basic']}000", e["item"], dcc, dname, e["county"] + "000000",
               e["window"], e["clerk"], pf, "2" if e["legal"] else "1", e["uname"], e["cert"], str(level), ev_detail,
               comment, dash_dt(e["t"]), str(e["seq"]), "3", promise, dash_dt(e["accept"]),
               rng.choice(["1", "2", "2"]) if level > 2 else "3"]
        row = Row(raw, f"{e['projectNo']}-{e['seq']}")
        row.tags = {"legal"} if e["legal"] else set()
        if e["seq"] == 2:
            row.tags.add("second")
        if level <= 2:
            row.tags.add("badreview")
        if pf == "系统默认评价":
            row.tags.add("default")
        row.exp = {
            "review_id": f"{e['projectNo']}-{e['seq']}", "case_no": e["projectNo"],
            "item_code": raw[1], "item_name": e["item"], "agency_code": dcc, "agency_name": dname,
            "window_id": e["window"], "staff_name": e["clerk"], "channel": RCHANNEL_OF[pf], "channel_raw": pf,
            "level": level, "level_raw": str(level), "level_scheme": "hcp_interface",
            "indicator_codes": ev_detail.split(","), "comment_text": comment or None,
            "evaluated_at": utc_s(e["t"]), "eval_seq": e["seq"],
            "evaluator_type": "legal_entity" if e["legal"] else "person", "evaluator_name": e["uname"],
            "is_bad": level <= 2, "region_code": e["county"],
        }
        out.append(row)
    rows = out
    # two clerks/evaluators with GB18030-only characters
    for r in rows:
        if "legal" not in r.tags and "second" not in r.tags:
            r.raw[10] = r.exp["evaluator_name"] = "王䶮"
            r.tags.add("gb18030_4byte")
            break
    n = len(rows)
    assert n >= 60
    cand = [i for i, r in enumerate(rows) if "second" not in r.tags and "gb18030_4byte" not in r.tags]
    pos = place_bad(n, 6, rng)
    bad = []
    for p in pos:
        q = min(cand, key=lambda c: (abs(c - p), c))
        cand.remove(q)
        bad.append(q)
    r = rows[bad[0]]
    r.raw[12] = "7"
    r.bad = "satisfaction `7`: outside 1..5"
    r = rows[bad[1]]
    r.raw[14] = "窗口" + INVALID_MARK + "服务"
    r.bad = "writingEvaluation contains the bytes 0x81 0x20, invalid in GB18030"
    r = rows[bad[2]]
    r.bad = f"projectNo empty: missing case number (would have been {r.raw[0]})"
    r.raw[0] = ""
    r.key = None
    r = rows[bad[3]]
    if r.raw[9] == "2":
        r.raw[9], r.raw[10], r.raw[11] = "1", rand_name(rng), rand_id(rng, 1960, 2000)
    good_id = r.raw[11]
    r.raw[11] = wrong_check(good_id)
    r.bad = f"certkeyGOV `{r.raw[11]}` has a wrong GB 11643 check digit (correct: `{good_id[17]}`)"
    r = rows[bad[4]]
    r.raw[15] = "2026-11-31 10:12:00"
    r.bad = "assessTime `2026-11-31 10:12:00`: November has 30 days, unparseable"
    r = rows[bad[5]]
    r.raw = r.raw[:11]
    r.bad = "row cut after userName: 11 of 21 columns"
    for b in bad:
        rows[b].tags.add("bad")
    header = [c for c, _, _, _ in WINDOW_COLS]
    write_sample("window_review.csv", csv_bytes(header, [r.raw for r in rows], ",", "gb18030", "\r\n"))

    ok = lambda r: "bad" not in r.tags
    bad_first = lambda r: (ok(r) and "badreview" in r.tags and r.raw[16] == "1"
                           and any(x.raw[0] == r.raw[0] and "second" in x.tags and "bad" not in x.tags for x in rows))
    first_bad_pno = next(r.raw[0] for r in rows if bad_first(r))
    golden = [
        ("very satisfied (5) first evaluation at a hall pad", lambda r: ok(r) and r.raw[8] == "政务大厅平板电脑"
         and r.raw[12] == "5" and r.raw[16] == "1" and r.raw[14]),
        ("bad review (level ≤ 2) whose projectNo later gets a second evaluation", bad_first),
        ("the matching second evaluation (assessNumber 2, same projectNo)",
         lambda r: ok(r) and "second" in r.tags and r.raw[0] == first_bad_pno),
    ]
    return rows, golden


def gen_window_gb():
    rng = rng_for("window_gb")
    evs = _evaluations(rng, 34, 3, ["211102", "211103", "211104", "211122"])
    gbch = [("政务大厅平板电脑", 40), ("政务大厅其他终端", 10), ("PC端", 12), ("移动服务端", 18), ("二维码", 10),
            ("电话", 5), ("短信", 5)]
    rows = []
    counter = 0
    for e in evs:
        if e["seq"] == 1:
            counter += rng.randint(1, 30)
            e["projectNo"] = f"PJ{e['accept']:%Y%m%d}{counter:05d}"
    for e in evs:
        if e["seq"] == 2:
            src = [x for x in evs if x["seq"] == 1 and x["uname"] == e["uname"] and x["accept"] == e["accept"]][0]
            e["projectNo"] = src["projectNo"]
        level = e["level"]
        code = 6 - level
        ch = rng.choices([p for p, _ in gbch], weights=[w for _, w in gbch])[0]
        comment = _comment(rng, level) if e["seq"] == 1 else rng.choice(SECOND_COMMENTS)
        dname, dcc = DEPT[e["dept"]]
        raw = [e["projectNo"], f"{e['county']}{e['basic']}000", e["item"], dcc, dname, ch, e["uname"], t_dt(e["t"]),
               str(e["seq"]), LEVEL_LABEL_HCP[level], str(code), comment, e["town"]]
        row = Row(raw, f"{e['projectNo']}-{e['seq']}")
        if e["seq"] == 2:
            row.tags.add("second")
        if level <= 2:
            row.tags.add("badreview")
        row.exp = {
            "review_id": f"{e['projectNo']}-{e['seq']}", "case_no": e["projectNo"], "item_code": raw[1],
            "item_name": e["item"], "agency_code": dcc, "agency_name": dname,
            "channel": RCHANNEL_OF[ch], "channel_raw": ch,
            "level": level, "level_raw": str(code), "level_scheme": "gb39046_a8",
            "comment_text": comment or None, "evaluated_at": utc_s(e["t"]), "eval_seq": e["seq"],
            "evaluator_name": e["uname"], "is_bad": level <= 2, "region_code": norm_region(e["town"]),
        }
        rows.append(row)
    for r in rows:   # one evaluator name that only GB18030 can encode
        if "second" not in r.tags and r.raw[8] == "1" and not any(
                x.raw[0] == r.raw[0] and "second" in x.tags for x in rows):
            r.raw[6] = r.exp["evaluator_name"] = "赵𫖯"
            r.tags.add("gb18030_4byte")
            break
    n = len(rows)
    assert n >= 30
    cand = [i for i, r in enumerate(rows) if "second" not in r.tags and "gb18030_4byte" not in r.tags]
    bad = []
    for p in place_bad(n, 4, rng):
        q = min(cand, key=lambda c: (abs(c - p), c))
        cand.remove(q)
        bad.append(q)
    r = rows[bad[0]]
    r.raw[10] = "6"
    r.bad = "满意度代码 `6`: outside 1..5"
    r = rows[bad[1]]
    lbl = r.raw[9]
    r.raw[9] = "非常不满意" if r.raw[10] in ("1", "2") else "非常满意"
    r.bad = f"满意度 label `{r.raw[9]}` contradicts 满意度代码 `{r.raw[10]}` (A.8: {lbl}): scheme confusion at the source"
    r = rows[bad[2]]
    r.raw[7] = r.raw[7][:8] + "T" + "24" + r.raw[7][11:]
    r.bad = f"评价时间 `{r.raw[7]}`: hour 24, unparseable"
    r = rows[bad[3]]
    r.bad = f"办件编号 empty: missing case number (would have been {r.raw[0]})"
    r.raw[0] = ""
    r.key = None
    for b in bad:
        rows[b].tags.add("bad")
    header = [c for c, _, _ in WINDOW_GB_COLS]
    write_sample("window_review_gb.csv", csv_bytes(header, [r.raw for r in rows], ",", "gb18030", "\r\n"))
    ok = lambda r: "bad" not in r.tags
    golden = [
        ("满意度代码 1 (= level 5)", lambda r: ok(r) and r.raw[10] == "1" and r.raw[11]),
        ("满意度代码 5 or 4 (bad review)", lambda r: ok(r) and r.raw[10] in ("4", "5") and r.raw[8] == "1"),
        ("second evaluation", lambda r: ok(r) and "second" in r.tags),
    ]
    return rows, golden


# ---------------------------------------------------------------------------
# 8. hazardous-chemical vehicle positions (JT/T 808 style)
# ---------------------------------------------------------------------------

HAZ_COLS = [
    ("msgId", "消息ID", "JT/T 808 message id, always \"0200\" (位置信息汇报)", "attributes.msg_id"),
    ("serialNo", "流水号", "message serial number", "attributes.serial_no"),
    ("terminalId", "终端手机号", "12-digit terminal phone number (BCD[6] in the header)", "subject_id"),
    ("plateNo", "车牌号", "plate, 辽L = Panjin", "plate_no"),
    ("plateColor", "车牌颜色", "1 blue 2 yellow (hazchem trucks: 2)", "attributes.plate_color"),
    ("alarm", "报警标志", "uint32 alarm bits (bit0 紧急, bit1 超速, bit2 疲劳驾驶)", "attributes.alarm_flags"),
    ("status", "状态", "uint32 status bits (bit0 ACC on, bit1 positioned)", "attributes.status_flags"),
    ("lat", "纬度", "latitude × 10^6, GCJ-02", "lat (÷10^6, → WGS-84)"),
    ("lon", "经度", "longitude × 10^6, GCJ-02", "lon (÷10^6, → WGS-84), coord_sys_original=gcj02"),
    ("altitude", "高程", "metres", "altitude_m"),
    ("speed", "速度", "1/10 km/h", "speed_kmh = speed / 10"),
    ("direction", "方向", "0–359, 0 = north, clockwise", "heading_deg"),
    ("time", "时间", "BCD[6] as string `YYMMDDhhmmss`, Beijing time", "observed_at"),
    ("cargo", "装载介质", "cargo name", "attributes.cargo"),
    ("unNo", "UN编号", "UN number of the cargo", "attributes.un_no"),
]
VEHICLES = [("辽L", "液化石油气", "1075"), ("辽L", "汽油", "1203"), ("辽L", "柴油", "1202"),
            ("辽L", "液氨", "1005"), ("辽L", "甲醇", "1230"), ("辽L", "沥青", "3257")]


def gen_hazchem():
    rng = rng_for("hazchem")
    tracks = []
    for k, (pre, cargo, un) in enumerate(VEHICLES):
        plate = pre + rng.choice("ABCDEFGHJK") + f"{rng.randint(0, 9999):04d}"
        term = "0" + rand_mobile(rng)
        county = pick_county(rng)
        lng, lat = rand_wgs(rng, county)
        t = dt.datetime(2026, 10, 20) + dt.timedelta(days=rng.randint(0, 20), hours=rng.randint(7, 16),
                                                      minutes=rng.randint(0, 59), seconds=rng.choice([0, 10, 20]))
        heading = rng.randint(0, 359)
        sn = rng.randint(1, 60000)
        speed_kmh = 0.0
        for j in range(11):
            if j > 0:   # accelerate from standstill, then cruise around 50-85 km/h
                speed_kmh = max(0.0, min(95.0, speed_kmh + rng.gauss(14 if speed_kmh < 45 else 0, 9)))
            heading = (heading + rng.randint(-20, 20)) % 360
            dist = speed_kmh * 1000 / 3600 * 30
            lat += dist * math.cos(math.radians(heading)) / 111320
            lng += dist * math.sin(math.radians(heading)) / (111320 * math.cos(math.radians(lat)))
            for _attempt in range(50):   # GNSS noise of ~1.5 m; prefer fixes whose WGS value rounds robustly
                nl = lng + rng.gauss(0, 1.5) / (111320 * math.cos(math.radians(lat)))
                na = lat + rng.gauss(0, 1.5) / 111320
                g = wgs2gcj(nl, na)
                ilng, ilat = int(round(g[0] * 1e6)), int(round(g[1] * 1e6))
                if wgs_from(ilng / 1e6, ilat / 1e6, "gcj02")[2]:
                    break
            spd = int(round(speed_kmh * 10))
            alarm = 2 if spd > 800 else (4 if j == 10 and k == 3 else 0)
            obj = {"msgId": "0200", "serialNo": (sn + j) % 65536, "terminalId": term, "plateNo": plate,
                   "plateColor": 2, "alarm": alarm, "status": 3,
                   "lat": ilat, "lon": ilng, "altitude": rng.randint(2, 9), "speed": spd, "direction": heading,
                   "time": t.strftime("%y%m%d%H%M%S"), "cargo": cargo, "unNo": un}
            lon6, lat6, robust = wgs_from(ilng / 1e6, ilat / 1e6, "gcj02")
            row = Row(obj, f"{term}@{obj['time']}")
            row.tags = {"coord_robust"} if robust else set()
            if alarm:
                row.tags.add("alarm")
            row.exp = {"subject_type": "vehicle", "subject_id": term, "plate_no": plate, "metric_code": "position",
                       "observed_at": utc_s(t), "lon": lon6, "lat": lat6, "coord_sys_original": "gcj02",
                       "lon_raw": f"{ilng / 1e6:.6f}", "lat_raw": f"{ilat / 1e6:.6f}",
                       "altitude_m": obj["altitude"], "speed_kmh": spd / 10, "heading_deg": heading,
                       "attributes.alarm_flags": str(alarm)}
            tracks.append((t, k, row))
            t += dt.timedelta(seconds=30)
    tracks.sort(key=lambda x: (x[0], x[1]))
    rows = [r for _, _, r in tracks]
    n = len(rows)
    bad = place_bad(n, 5, rng)
    r = rows[bad[0]]
    r.raw["lat"], r.raw["lon"], r.raw["status"], r.raw["speed"] = 0, 0, 1, 0
    r.bad = "lat/lon 0/0 with status bit1 (positioned) clear: no GNSS fix"
    r = rows[bad[1]]
    r.raw["time"] = r.raw["time"][:4] + "32" + r.raw["time"][6:]
    r.bad = f"time `{r.raw['time']}`: day 32, unparseable"
    r = rows[bad[2]]
    del r.raw["terminalId"]
    r.bad = f"`terminalId` key missing (subject_id required; plate {r.raw['plateNo']})"
    r.key = None
    r = rows[bad[3]]
    r.raw["direction"] = 400
    r.bad = "direction 400: outside 0–359"
    r = rows[bad[4]]
    r.raw["lat"], r.raw["lon"] = r.raw["lon"], r.raw["lat"]
    r.bad = "lat and lon swapped (lat = 122xxxxxx)"
    for b in bad:
        rows[b].tags.add("bad")
    write_sample("hazchem_vehicle.ndjson", ndjson_bytes([r.raw for r in rows]))
    ok = lambda r: "bad" not in r.tags and "coord_robust" in r.tags
    golden = [
        ("moving vehicle", lambda r: ok(r) and r.raw["speed"] > 300 and not r.raw["alarm"]),
        ("alarm flags set (bit1 超速 or bit2 疲劳驾驶)", lambda r: ok(r) and r.raw["alarm"] != 0),
        ("standing vehicle (speed 0)", lambda r: ok(r) and r.raw["speed"] == 0),
    ]
    return rows, golden


# ---------------------------------------------------------------------------
# README
# ---------------------------------------------------------------------------

def pick_golden(rows, golden):
    out = []
    used = set()
    for label, pred in golden:
        for i, r in enumerate(rows, 1):
            if i not in used and pred(r):
                out.append((i, label, r))
                used.add(i)
                break
        else:
            raise AssertionError(f"no golden row for: {label}")
    return out


def fmt_golden(g):
    lines = []
    for i, label, r in g:
        exp = {k: (float(v) if k in ("lon", "lat") and v is not None else v) for k, v in r.exp.items()}
        lines.append(f"- **row {i}** — {label}:")
        lines.append("  ```json")
        lines.append("  " + json.dumps(exp, ensure_ascii=False, indent=None, separators=(", ", ": ")))
        lines.append("  ```")
    return "\n".join(lines)


def fmt_bad(rows):
    lines = ["| row | key | defect |", "|---|---|---|"]
    for i, r in enumerate(rows, 1):
        if r.bad:
            lines.append(f"| {i} | {('`' + r.key + '`') if r.key else '—'} | {r.bad} |")
    return "\n".join(lines)


def col_table4(cols):
    lines = ["| column | 中文 | meaning | → unified |", "|---|---|---|---|"]
    for c, zh, en, u in cols:
        lines.append(f"| `{c}` | {zh} | {en} | {u} |")
    return "\n".join(lines)


def col_table3(cols):
    lines = ["| column | meaning | → unified |", "|---|---|---|"]
    for c, en, u in cols:
        lines.append(f"| `{c}` | {en} | {u} |")
    return "\n".join(lines)


def json_keys_table(keys):
    lines = ["| key | meaning | → unified |", "|---|---|---|"]
    for k, en, u in keys:
        lines.append(f"| `{k}` | {en} | {u} |")
    return "\n".join(lines)


CITIZEN_KEYS = [
    ("reportId", "report number 随手拍编号", "case_no"),
    ("title / description", "title, text", "title, content"),
    ("categoryCode", "category code as a JSON **number** (leading zero lost: 101 = 0101)", "category_code (zero-pad to 4)"),
    ("categoryName", "category name", "category_name"),
    ("channel", "随手拍APP / 微信小程序 / 微信公众号", "channel_raw → channel"),
    ("status", "numeric status 0..6 (case_status.csv)", "status_raw (as string) → status"),
    ("createTime / updateTime", "unix epoch **milliseconds**", "received_at / source_updated_at"),
    ("location {lng, lat, coordType}", "GCJ-02 (高德) position", "lon/lat (→ WGS-84), coord_sys_original=gcj02"),
    ("address", "address (sometimes prefixed `辽宁省盘锦市  ` with a doubled space)", "address"),
    ("regionCode", "12-digit town-level code (9-digit 乡级 + 000); `\"\"` or missing when unknown", "region_code"),
    ("photos", "photo URLs (may be `[]`)", "media_urls"),
    ("reporter {userId, nickName, realName, mobile}", "realName: a name, `null`, `\"\"` or missing", "reporter_name, reporter_phone"),
    ("anonymous", "bool", "is_anonymous"),
    ("handleDeptCode", "departments.csv code (absent before dispatch)", "agency_code/agency_name"),
    ("replyContent / replyTime", "reply (null when none), ms", "result_text / responded_at"),
    ("returnReason", "only for status 5", "return_reason"),
]
SELF_KEYS = [
    ("txnId", "transaction number", "case_no"),
    ("terminalId / terminalAddr", "self-service machine and its location", "extensions.terminal_id / address"),
    ("regionCode", "6-digit county of the machine", "region_code"),
    ("bizCode / bizName", "business code (selfservice_biz.csv) and name", "category_code via selfservice_biz.csv, title"),
    ("applicantName", "applicant (sometimes trailing space)", "reporter_name (trimmed)"),
    ("idCardNo", "applicant ID (GB 11643; check X sometimes lower-case)", "reporter_id_no (upper-case X)"),
    ("mobile", "phone or `null`", "reporter_phone"),
    ("startTime / endTime", "`yyyy-MM-dd HH:mm:ss` Beijing time, some with a `.0` suffix; endTime null while PROCESSING", "received_at / closed_at"),
    ("result", "SUCCESS / FAILED / CANCELED / PROCESSING", "status_raw → status"),
    ("resultMsg", "failure reason", "return_reason (FAILED)"),
    ("deptCode", "credit code of the police unit", "agency_code"),
    ("printed, fee", "receipt printed; fee in yuan as a string", "extensions"),
]
WATER_KEYS = [
    ("ticket_no", "ticket number", "case_no"),
    ("fault_type / fault_desc", "BG 爆管 / TS 停水 / SY 水压低 / SZ 水质浑浊 (water_fault_type.csv); description", "category_code; content"),
    ("urgency", "1 普通 / 2 紧急 / 3 特急 — usually a number, sometimes a string", "urgency via urgency.csv"),
    ("source", "客服热线 / 12345转办 / 巡检发现 / 微信公众号", "channel_raw → channel"),
    ("status", "NEW ASSIGNED ACKED REPAIRING RESTORED CLOSED CANCELLED", "status_raw → status"),
    ("reported_at", "ISO 8601 with `+08:00`; some rows in UTC with `Z`; some with milliseconds", "received_at"),
    ("dispatched_at / arrived_at / restored_at / closed_at", "ISO 8601 +08:00 or null", "dispatched_at / extensions.arrived_at / responded_at / closed_at"),
    ("expected_restore_at", "promised restore time", "due_at"),
    ("address / region_code", "address; 6-digit county incl. legacy 211121", "address / region_code"),
    ("gps", "one string `\"lng,lat\"`, WGS-84 (crew GPS)", "lon, lat, coord_sys_original=wgs84"),
    ("contact_name / contact_phone", "reporter (empty for 巡检发现)", "reporter_name / reporter_phone"),
    ("affected_households", "households affected", "extensions"),
    ("dept_credit_code", "credit code of 盘锦市水务集团有限公司", "agency_code"),
    ("repair_team", "repair crew", "extensions"),
]


def readme(results, code_counts):
    L = []
    A = L.append
    A("# govsync sample data")
    A("")
    A("Generated by `generate.py` (Python 3 stdlib, fixed seeds). **Do not edit the sample files or this README by hand**: "
      "change `generate.py` and run `python3 mappings/samples/generate.py`; a second run rewrites every file byte-identically. "
      "The same script writes the code tables in `../codes/`.")
    A("")
    A("All people, phone numbers, ID numbers, credit codes and addresses are synthetic. ID numbers and credit codes pass "
      "their check digits (except the rows listed as bad); birth dates are real calendar dates (1950–2008).")
    A("")
    A("## Files")
    A("")
    A("| file | platform | format | encoding | data rows | bad rows |")
    A("|---|---|---|---|---|---|")
    for f, plat, fmt, enc, rows, _ in results:
        A(f"| `{f}` | {plat} | {fmt} | {enc} | {len(rows)} | {sum(1 for r in rows if r.bad)} |")
    A("")
    A("Row numbers below count **data rows from 1** (header excluded; a quoted field with a line break does not start a new row). "
      "For NDJSON files the row number is the line number.")
    A("")
    A("## Conventions the golden values assume")
    A("")
    A("- All source times without an offset are Beijing time (UTC+08:00, no DST). Unified instants are RFC 3339 UTC with "
      "milliseconds, e.g. `2026-10-05T06:03:00.000Z`. Unix-ms sources keep their milliseconds.")
    A("- Excel serial days (grid `处置时限`) count days since 1899-12-30 in local time; round to the nearest second.")
    A("- `region_code`: `211121` → `211104`; a 9-digit 乡级 code gets `000` appended (12 digits); a 12-digit code ending "
      "in `000000` becomes its 6-digit county code; other 6- and 12-digit codes are kept.")
    A("- Coordinates: WGS-84, printed with 6 decimals (`%.6f`). GCJ-02 → WGS-84 by the **iterative** inverse of the "
      "wgs84togcj02 formula (Krasovsky a = 6378245.0, ee = 0.00669342162296594323; iterate `w -= gcj(w) - g` until the step "
      "is < 1e-12°). BD-09 → GCJ-02 by the closed-form `bd09togcj02` (x_pi = π·3000/180), then the same iteration. The "
      "one-step GCJ inverse is ~1 m off and will NOT match. Golden rows were chosen so that the closed-form and the "
      "iterative BD inverse round to the same 6 decimals and no value is within 2.5e-7° of a rounding boundary, so an "
      "inverse that stops at a 1e-7° residual still rounds to the golden value; otherwise assert with a tolerance of 1e-6°. CGCS2000 and WGS-84 are treated as equal (values kept).")
    A("- `lon_raw`/`lat_raw` in the golden blocks are the source values for reference (they would go to `extensions` or "
      "the raw payload; the schema has no such fields).")
    A("- ReviewRecord `review_id` = `<case number>-<eval_seq>` (the sources have no evaluation id). `level` is always "
      "5 = 非常满意: window_review.csv uses the interface scheme (`level = satisfaction`), window_review_gb.csv uses "
      "GB/T 39046 A.8 (`level = 6 − 满意度代码`). `is_bad` = level ≤ 2.")
    A("- `reporter_name`/`evaluator_name` are trimmed; `null` in a golden block means the field is absent/empty. Personal "
      "fields are shown unmasked (the `pii` view).")
    A("- Fields not in the source (e.g. `case_kind`, or `appeal_type` for grid events) are mapping constants: suggested "
      "values are given per file; golden blocks include them only where the brief fixes them.")
    A("")
    A("## Code tables (`../codes/`)")
    A("")
    A("UTF-8, LF, `#` comment lines first (the first is `# version: …`), then a header row; first column is a unique key.")
    A("")
    A("| table | columns | rows | content |")
    A("|---|---|---|---|")
    desc = {
        "gbt2260_panjin.csv": ("code,name,level,parent,replaced_by", "辽宁省, 盘锦市, 4 districts/county, legacy 211121 大洼县 (replaced_by 211104), all 50 乡级 codes of domain-standards.md §3"),
        "case_category.csv": ("code,name,parent", "govsync's own two-level taxonomy"),
        "case_status.csv": ("raw,status", "every status label/code used by the samples → CaseRecord.status"),
        "case_channel.csv": ("raw,channel", "intake channel labels → CaseRecord.channel"),
        "review_channel.csv": ("raw,channel", "好差评 channel labels (incl. PJQ) → ReviewRecord.channel"),
        "departments.csv": ("code,name,credit_code", "19 Panjin units, credit codes pass GB 32100"),
        "appeal_type.csv": ("raw,appeal_type", "来电类别 labels"),
        "urgency.csv": ("raw,urgency", "紧急程度 labels and water codes 1/2/3"),
        "pollution_type.csv": ("raw,category_code,name", "environment 污染类型代码 → category"),
        "water_fault_type.csv": ("raw,category_code,name", "water fault_type → category"),
        "selfservice_biz.csv": ("raw,category_code,name", "self-service bizCode → category"),
    }
    for k, (cols, d) in desc.items():
        A(f"| `{k}` | `{cols}` | {code_counts[k]} | {d} |")
    A("")
    sections = {
        "hotline_12345.csv": [
            "**Format**: CSV, comma, CRLF line ends, header row of pinyin-initial column names, minimal quoting "
            "(fields with commas, ASCII quotes `\"\"` or line breaks are quoted; line breaks inside fields are LF). "
            "**Encoding: GB18030** — two names (`王䶮`, `赵𫖯`) use 4-byte GB18030 sequences that a GBK/CP936 decoder "
            "(e.g. Poco Windows936Encoding) cannot decode; those rows are NOT bad and must decode with iconv GB18030.",
            "Quirks: dates `YYYYMMDDhhmmss`; `LDRXM` CHAR-padded (`张伟    `), or `姓  名` with two inner spaces to "
            "align 2-character names; empty values are sometimes written as a quoted `\"\"`, sometimes as nothing "
            "(same meaning); phones as `138 4271 2345`, `+86…` or two numbers `mobile/0427-…`; ID check `x` in lower "
            "case or with a trailing space; department as an internal code; BD-09 coordinates; 大洼 rows often still "
            "`211121`.",
            "Mapping constants: `case_kind` = `hotline`.",
        ],
        "citizen_report.ndjson": [
            "**Format**: NDJSON (one API JSON object per line, compact), UTF-8, LF. Keys camelCase, nested objects.",
            "Quirks: `categoryCode` is a number (0101 → 101); `status` is a number; times are unix ms; `realName` "
            "may be a string, `null`, `\"\"` or missing; `regionCode` may be `\"\"` or missing; `photos` may be `[]`; "
            "GCJ-02 coordinates.",
            "Mapping constants: `case_kind` = `citizen_report`, `appeal_type` = `report`.",
        ],
        "grid_event.csv": [
            "**Format**: CSV, **semicolon**-delimited, LF, **UTF-8 with BOM** (Excel export), Chinese header. "
            "Grid code scheme `<county 6>-<乡级 3>-<grid 3>` (e.g. `211103-002-015`; grid numbers 001–150 per "
            "street, ~4,642 grids citywide).",
            "Quirks: dates `YYYY/M/D H:MM` (no zero padding, no seconds); `处置时限` as an Excel serial number "
            "(`46315.7083333333`); department by NAME; `街道编码` sometimes with a leading space; descriptions "
            "containing `;` are quoted; video-sourced events have no reporter; CGCS2000 coordinates.",
            "Mapping constants: `case_kind` = `grid_event`, `appeal_type` = `report`.",
        ],
        "public_security_selfservice.ndjson": [
            "**Format**: NDJSON, UTF-8, LF. One self-service machine transaction per line; unified as a CASE "
            "candidate.",
            "Quirks: `startTime` sometimes `2026-10-12 09:31:05.0` (JDBC `Timestamp.toString`); `idCardNo` with "
            "lower-case `x`; `applicantName` with a trailing space; `mobile` may be `null`; `endTime` null while "
            "PROCESSING.",
            "Mapping constants: `case_kind` = `other`, `appeal_type` = `help`, `channel` = `self_service`.",
        ],
        "environment_complaint.csv": [
            "**Format**: TSV (**tab**-delimited), CRLF, **GBK**, Chinese header after GB/T 39046 表10 (投诉). No "
            "coordinates.",
            "Quirks: dates `YYYYMMDDThhmmss`; `行政区划` 9-digit 乡级 or 6-digit (incl. `211121`); anonymous "
            "complainants written as `匿名`; missing `反馈时间` written as empty or the literal `NULL`; pollution type as "
            "a code.",
            "Mapping constants: `case_kind` = `complaint`, `appeal_type` = `complaint`; `投诉人` = `匿名` → "
            "`is_anonymous` true, no reporter_name.",
        ],
        "water_fault.ndjson": [
            "**Format**: NDJSON, UTF-8, LF, snake_case keys.",
            "Quirks: ISO 8601 times with `+08:00`, some `reported_at` in UTC `Z`, some with `.250`/`.500` ms; "
            "`urgency` number or string; `gps` one combined string; legacy `211121`.",
            "Mapping constants: `case_kind` = `fault`, `appeal_type` = `help`.",
        ],
        "window_review.csv": [
            "**Format**: CSV, comma, CRLF, **GB18030**, header with the 好差评 interface field names (Zhejiang "
            "`办件评价服务` naming). `satisfaction` uses the **interface scheme (5 = 非常满意)**. About 20 % of the "
            "first evaluations are bad (1–2); seven bad first evaluations have a second evaluation (`assessNumber` 2, "
            "same `projectNo`). One evaluator name (`王䶮`) needs GB18030 (4-byte).",
            "Quirks: `pf` labels in mixed case (`pc端`/`PC端`) and `PJQ`; `certkeyGOV` holds an ID number for "
            "persons and a credit code for 法人; `系统默认评价` rows have satisfaction 5 and no comment; `evalDetail` "
            "codes are opaque (501–504 given with good levels, 511–514 with bad).",
            "Evaluator phone is not present in this source.",
        ],
        "window_review_gb.csv": [
            "**Format**: CSV, comma, CRLF, **GB18030**, Chinese header with GB/T 39046 表9 item names (plus "
            "实施编码, 事项名称, 受理单位代码/名称). `满意度代码` uses **GB/T 39046 A.8 (1 = 非常满意)**; `满意度` is the "
            "label. `行政区划` is 9-digit. One evaluator name (`赵𫖯`, U+2B5AF) needs GB18030 (4-byte).",
            "Quirks: dates `YYYYMMDDThhmmss`; channel as GB/T 39046 free text (`移动服务端`, `PC端`, …).",
        ],
        "hazchem_vehicle.ndjson": [
            "**Format**: NDJSON, UTF-8, LF, one JT/T 808 0x0200 position report per line (decoded from the binary "
            "frame by the platform). Six trucks × 11 reports, 30 s apart, interleaved by time.",
            "Quirks: coordinates are integers × 10^6 in GCJ-02; speed in 1/10 km/h; time `YYMMDDhhmmss`.",
            "Mapping constants: Observation, `subject_type` = `vehicle`, `metric_code` = `position` "
            "(`value`/`unit` unused).",
        ],
    }
    col_docs = {
        "hotline_12345.csv": col_table4(HOTLINE_COLS),
        "citizen_report.ndjson": json_keys_table(CITIZEN_KEYS),
        "grid_event.csv": col_table3(GRID_COLS),
        "public_security_selfservice.ndjson": json_keys_table(SELF_KEYS),
        "environment_complaint.csv": col_table3(ENV_COLS),
        "water_fault.ndjson": json_keys_table(WATER_KEYS),
        "window_review.csv": col_table4(WINDOW_COLS),
        "window_review_gb.csv": col_table3(WINDOW_GB_COLS),
        "hazchem_vehicle.ndjson": col_table4(HAZ_COLS),
    }
    for k, (f, plat, fmt, enc, rows, golden) in enumerate(results, 1):
        A(f"## {k}. `{f}` — {plat}")
        A("")
        for p in sections[f]:
            A(p)
            A("")
        A(col_docs[f])
        A("")
        A("**Bad rows** (each a different defect):")
        A("")
        A(fmt_bad(rows))
        A("")
        A("**Golden rows** (expected unified values):")
        A("")
        A(fmt_golden(golden))
        A("")
    A("## Verification")
    A("")
    A("```sh")
    A("python3 mappings/samples/generate.py && sha256sum mappings/samples/* mappings/codes/* > /tmp/a")
    A("python3 mappings/samples/generate.py && sha256sum mappings/samples/* mappings/codes/* | diff - /tmp/a")
    A("# GB18030/GBK files decode except the listed invalid-byte row (hotline_12345.csv, window_review.csv:")
    A("# GB18030; environment_complaint.csv: GBK; window_review_gb.csv has no invalid-byte row):")
    A("iconv -f GB18030 -t UTF-8 mappings/samples/hotline_12345.csv > /dev/null  # stops at the bad row only")
    A("iconv -f GB18030 -t UTF-8 mappings/samples/window_review_gb.csv > /dev/null  # succeeds")
    A("iconv -f GBK -t UTF-8 mappings/samples/window_review_gb.csv > /dev/null      # fails: 4-byte 赵𫖯 is not GBK")
    A("```")
    A("")
    return "\n".join(L)


def main():
    code_counts = write_code_tables()
    results = []
    for f, plat, fmt, enc, gen in [
        ("hotline_12345.csv", "12345 hotline work orders", "CSV ,", "GB18030", gen_hotline),
        ("citizen_report.ndjson", "随手拍 citizen reports (API JSON)", "NDJSON", "UTF-8", gen_citizen),
        ("grid_event.csv", "grid-management events (网格化)", "CSV ;", "UTF-8 + BOM", gen_grid),
        ("public_security_selfservice.ndjson", "public-security self-service machines", "NDJSON", "UTF-8", gen_selfservice),
        ("environment_complaint.csv", "environment complaints (12369)", "TSV", "GBK", gen_env),
        ("water_fault.ndjson", "water-utility fault tickets", "NDJSON", "UTF-8", gen_water),
        ("window_review.csv", "service-window 好差评 (interface scheme)", "CSV ,", "GB18030", gen_window),
        ("window_review_gb.csv", "service-window 好差评 (GB/T 39046 scheme)", "CSV ,", "GB18030", gen_window_gb),
        ("hazchem_vehicle.ndjson", "hazardous-chemical vehicle positions (JT/T 808)", "NDJSON", "UTF-8", gen_hazchem),
    ]:
        rows, golden = gen()
        results.append((f, plat, fmt, enc, rows, pick_golden(rows, golden)))
    with open(os.path.join(HERE, "README.md"), "wb") as fh:
        fh.write(readme(results, code_counts).encode("utf-8"))
    for f, _, _, _, rows, g in results:
        print(f"{f}: {len(rows)} rows, {sum(1 for r in rows if r.bad)} bad, golden rows {[i for i, _, _ in g]}")


if __name__ == "__main__":
    main()
