#!/usr/bin/env python3
"""Generate the record model's enum and field tables from the Thrift IDL.

Inputs: the IDL itself and `thrift --gen json` of it. Thrift's JSON carries
names, ids, requiredness, docs and annotations, but resolves typedefs and
enums to their base types; the declared type names (Instant, enum names) are
read from the IDL text and cross-checked field by field against Thrift's view,
so a parse slip here fails the build instead of drifting.

Output: one C++ file defining the tables declared in schema/record_schema.h.
"""
import json
import re
import sys

BODY_STRUCTS = {"Envelope": ("Envelope", None, None),
                "CaseRecord": ("Case", "case_record", "CASE"),
                "ReviewRecord": ("Review", "review", "REVIEW"),
                "Observation": ("Observation", "observation", "OBSERVATION")}

PII = {None: "None", "name": "Name", "phone": "Phone", "id_no": "IdNo"}


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*|#[^\n]*", "", text)


def declared_types(idl):
    """struct name -> {field id -> declared type text} from the IDL."""
    out = {}
    for m in re.finditer(r"struct\s+(\w+)\s*\{(.*?)\n\}", idl, flags=re.S):
        fields = {}
        for fm in re.finditer(r"(\d+)\s*:\s*(?:required\s+|optional\s+)?"
                              r"((?:list|map|set)\s*<[^>]*>|\w+)\s+(\w+)",
                              m.group(2)):
            fields[int(fm.group(1))] = (re.sub(r"\s+", "", fm.group(2)), fm.group(3))
        out[m.group(1)] = fields
    return out


def field_type(decl, thrift_field, enums, typedefs):
    base = thrift_field["typeId"]
    if decl in enums:
        assert base == "i32", decl
        return "Enum", decl
    if decl in typedefs:
        assert typedefs[decl] == base, decl
        if decl == "Instant":
            return "Instant", None
        decl = typedefs[decl]
    simple = {"string": "String", "i32": "Int32", "i64": "Int64",
              "double": "Double", "bool": "Bool"}
    if decl in simple:
        assert simple[decl] == simple.get(base), (decl, base)
        return simple[decl], None
    if decl == "list<string>":
        assert base == "list"
        return "StringList", None
    if decl == "map<string,string>":
        assert base == "map"
        return "StringMap", None
    raise SystemExit(f"gen_schema_tables: unsupported field type {decl}")


def cpp_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").strip() + '"'


def accessors(struct, part_member, fname, ftype, enum_name, required):
    """C++ initialisers for the typed accessor slots of one field."""
    if part_member is None:
        obj_c, obj_m = "r.envelope", "r.envelope"
        mark = ""
        present = "true"  # the envelope is always there
    else:
        obj_c, obj_m = f"r.{part_member}", f"r.{part_member}"
        mark = f"r.__isset.{part_member} = true; "
        present = f"r.__isset.{part_member}"
    if required:
        cond = present
        is_set = (f"[](const Record& r) {{ return {cond}; }}" if cond != "true"
                  else "[](const Record&) { return true; }")
        clear = "[](Record&) {}"
        set_mark = mark
    else:
        cond = f"{present} && {obj_c}.__isset.{fname}"
        is_set = f"[](const Record& r) {{ return {cond}; }}"
        clear = f"[](Record& r) {{ {obj_m}.__isset.{fname} = false; }}"
        set_mark = mark + f"{obj_m}.__isset.{fname} = true; "
    slots = {k: "nullptr" for k in ["getString", "mutString", "getInt32", "mutInt32",
                                     "getInt64", "mutInt64", "getDouble", "mutDouble",
                                     "getBool", "mutBool", "getEnum", "setEnum",
                                     "getList", "mutList", "getMap", "mutMap"]}
    ctype = {"String": ("String", "std::string"), "Int32": ("Int32", "int32_t"),
             "Int64": ("Int64", "int64_t"), "Instant": ("Int64", "int64_t"),
             "Double": ("Double", "double"), "Bool": ("Bool", "bool"),
             "StringList": ("List", "std::vector<std::string>"),
             "StringMap": ("Map", "std::map<std::string, std::string>")}
    if ftype == "Enum":
        slots["getEnum"] = (f"[](const Record& r) -> std::optional<int32_t> {{ if (!({cond})) "
                            f"return std::nullopt; return static_cast<int32_t>({obj_c}.{fname}); }}")
        slots["setEnum"] = (f"[](Record& r, int32_t v) {{ {set_mark}{obj_m}.{fname} = "
                            f"static_cast<{enum_name}::type>(v); }}")
    else:
        suffix, ct = ctype[ftype]
        slots["get" + suffix] = (f"[](const Record& r) -> const {ct}* {{ return ({cond}) ? "
                                 f"&{obj_c}.{fname} : nullptr; }}")
        slots["mut" + suffix] = f"[](Record& r) -> {ct}* {{ {set_mark}return &{obj_m}.{fname}; }}"
    return is_set, clear, slots


def main():
    idl_path, json_path, out_path = sys.argv[1:4]
    idl = strip_comments(open(idl_path, encoding="utf-8").read())
    model = json.load(open(json_path, encoding="utf-8"))
    enums = {e["name"]: e for e in model["enums"]}
    typedefs = {t["name"]: t["typeId"] for t in model["typedefs"]}
    decls = declared_types(idl)
    structs = {s["name"]: s for s in model["structs"]}

    out = []
    w = out.append
    w("// Generated by schema/gen_schema_tables.py from schema/exchange.thrift. Do not edit.")
    w('#include "schema/record_schema.h"')
    w("")
    w("namespace govsync::schema {")
    w("namespace {")
    for e in model["enums"]:
        members = ", ".join(f'{{"{m["name"]}", {m["value"]}}}' for m in e["members"])
        w(f"constexpr EnumMember k{e['name']}Members[] = {{{members}}};")
    w("}  // namespace")
    w("")
    w("const EnumInfo kEnums[] = {")
    for e in model["enums"]:
        w(f'    {{"{e["name"]}", k{e["name"]}Members}},')
    w("};")
    enum_index = {e["name"]: i for i, e in enumerate(model["enums"])}
    w("")
    for sname, (part, member, _kind) in BODY_STRUCTS.items():
        s = structs[sname]
        w(f"const FieldInfo k{sname}Fields[] = {{")
        for f in s["fields"]:
            decl, dname = decls[sname][f["key"]]
            if dname != f["name"]:
                raise SystemExit(f"gen_schema_tables: IDL parse mismatch in {sname}.{f['name']}")
            ftype, enum_name = field_type(decl, f, enums, typedefs)
            required = f["required"] == "required"
            pii = PII[f.get("annotations", {}).get("pii")]
            enum_ptr = f"&kEnums[{enum_index[enum_name]}]" if enum_name else "nullptr"
            is_set, clear, slots = accessors(sname, member, f["name"], ftype, enum_name, required)
            w(f'    {{"{f["name"]}", {f["key"]}, FieldType::{ftype}, RecordPart::{part}, '
              f'{"true" if required else "false"}, PiiKind::{pii}, {enum_ptr}, {cpp_str(f.get("doc", ""))},')
            w(f"     {is_set},")
            w(f"     {clear},")
            w("     " + ",\n     ".join(slots.values()) + "},")
        w("};")
        w("")
    w("std::span<const EnumInfo> allEnums() { return kEnums; }")
    w("std::span<const FieldInfo> envelopeFields() { return kEnvelopeFields; }")
    w("std::span<const FieldInfo> bodyFields(RecordKind::type kind) {")
    w("  switch (kind) {")
    for sname, (_p, _m, kind) in BODY_STRUCTS.items():
        if kind:
            w(f"    case RecordKind::{kind}: return k{sname}Fields;")
    w("  }")
    w("  return {};")
    w("}")
    w("bool hasBody(const Record& r, RecordKind::type kind) {")
    w("  switch (kind) {")
    for sname, (_p, member, kind) in BODY_STRUCTS.items():
        if kind:
            w(f"    case RecordKind::{kind}: return r.__isset.{member};")
    w("  }")
    w("  return false;")
    w("}")
    w("}  // namespace govsync::schema")
    with open(out_path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
