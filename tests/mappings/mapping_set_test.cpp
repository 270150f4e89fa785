// MappingSet: the running server's mappings — loaded from a folder, reloaded
// when a file or a code table it uses changes; a file that no longer
// compiles never replaces the running version.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "mappings/engine/mapping_set.h"

namespace fs = std::filesystem;
using namespace govsync::mapping;

namespace {
struct Folder {
  fs::path root = fs::temp_directory_path() / ("govsync-mapset-" + std::to_string(::getpid()));
  Folder() {
    fs::remove_all(root);
    fs::create_directories(root / "maps");
    fs::create_directories(root / "codes");
  }
  ~Folder() { fs::remove_all(root); }
  void write(const fs::path& rel, const std::string& text) {
    std::ofstream(root / rel, std::ios::trunc) << text;
    // Make the change visible to mtime checks even within one clock tick.
    fs::last_write_time(root / rel, fs::file_time_type::clock::now() + std::chrono::seconds(++tick_));
  }
  int tick_ = 0;
};

const char* kGood = R"(mapping: p1
kind: CASE
fields:
  source_id: id
  case_no: id
  status: {from: s, do: [{lookup: {table: st, key: raw, value: status}}]}
)";
}  // namespace

BOOST_AUTO_TEST_SUITE(mapping_set)

BOOST_AUTO_TEST_CASE(reloads_changes_and_keeps_the_running_version_on_errors) {
  Folder f;
  f.write("codes/st.csv", "# version: v1\nraw,status\nA,ACCEPTED\n");
  f.write("maps/p1.yaml", kGood);
  MappingSet set((f.root / "maps").string(), (f.root / "codes").string());
  auto status = set.loadAll();
  BOOST_REQUIRE_EQUAL(status.size(), 1u);
  BOOST_CHECK(status[0].error.empty());
  const std::string v1 = set.get("p1")->version;
  BOOST_CHECK(set.reloadChanged().empty());  // nothing changed

  // A broken edit: reported, and the running version stays.
  f.write("maps/p1.yaml", std::string(kGood) + "  titel: x\n");
  BOOST_CHECK_EQUAL(set.reloadChanged().size(), 1u);
  BOOST_CHECK_EQUAL(set.get("p1")->version, v1);
  BOOST_CHECK(set.status("p1")->error.find("unknown target field 'titel'") != std::string::npos);

  // A good edit replaces it.
  f.write("maps/p1.yaml", std::string(kGood) + "  title: t\n");
  BOOST_CHECK_EQUAL(set.reloadChanged().size(), 1u);
  const std::string v2 = set.get("p1")->version;
  BOOST_CHECK_NE(v2, v1);
  BOOST_CHECK(set.status("p1")->error.empty());

  // A changed code table changes the version too.
  f.write("codes/st.csv", "# version: v2\nraw,status\nA,ACCEPTED\nB,CLOSED\n");
  BOOST_CHECK_EQUAL(set.reloadChanged().size(), 1u);
  BOOST_CHECK_NE(set.get("p1")->version, v2);

  // New and removed files.
  f.write("maps/p2.yaml",
          "mapping: p2\nkind: OBSERVATION\nfields:\n  source_id: id\n  subject_id: id\n  observed_at: t\n");
  set.reloadChanged();
  BOOST_CHECK(set.get("p2") != nullptr);
  fs::remove(f.root / "maps" / "p2.yaml");
  set.reloadChanged();
  BOOST_CHECK(set.get("p2") == nullptr);
}

BOOST_AUTO_TEST_CASE(install_compiles_first_and_writes_atomically) {
  Folder f;
  f.write("codes/st.csv", "# version: v1\nraw,status\nA,ACCEPTED\n");
  MappingSet set((f.root / "maps").string(), (f.root / "codes").string());
  set.loadAll();
  BOOST_CHECK_THROW(set.install("p1", "mapping: p1\nkind: CASE\nfields: {}\n"), MappingCompileError);
  BOOST_CHECK(!fs::exists(f.root / "maps" / "p1.yaml"));
  auto m = set.install("p1", kGood);
  BOOST_CHECK_EQUAL(set.get("p1")->version, m->version);
  BOOST_CHECK_EQUAL(set.source("p1"), kGood);
  BOOST_CHECK(set.reloadChanged().empty());  // its own write is not a change
  BOOST_CHECK_THROW(set.compile("../evil", kGood), std::exception);
}

BOOST_AUTO_TEST_SUITE_END()
