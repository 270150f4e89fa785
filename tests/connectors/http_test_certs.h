// Certificates for the HTTPS tests, made by the openssl CLI in a temporary
// folder: a test CA, a server certificate it signed for 127.0.0.1 and
// localhost, one it signed for another name only, and an unrelated CA.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace govsync::test {

class TestCertificates {
 public:
  TestCertificates() {
    std::string templ = (std::filesystem::temp_directory_path() / "govsync-tls-XXXXXX").string();
    if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = templ;
    const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    run("openssl req -x509 " + ec + " -keyout ca.key -out ca.crt -days 2 -subj '/CN=govsync test CA'");
    run("openssl req -x509 " + ec + " -keyout wrong-ca.key -out wrong-ca.crt -days 2 -subj '/CN=someone else CA'");
    issue("server", "subjectAltName=IP:127.0.0.1,DNS:localhost");
    issue("other-name", "subjectAltName=DNS:other.example");
  }
  ~TestCertificates() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;

  std::string path(const std::string& name) const { return dir_ + "/" + name; }

  /// A key (<name>.key) and a certificate (<name>.crt) signed by ca.crt with
  /// the given extension, e.g. "subjectAltName=DNS:dept-a.client".
  void issue(const std::string& name, const std::string& san) const {
    std::ofstream(path(name + ".ext")) << san << "\n";
    run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + name + ".key -out " + name +
        ".csr -subj '/CN=" + name + "'");
    run("openssl x509 -req -in " + name + ".csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -out " + name +
        ".crt -extfile " + name + ".ext");
  }

 private:
  void run(const std::string& command) const {
    const std::string full = "cd '" + dir_ + "' && " + command + " >/dev/null 2>&1";
    if (std::system(full.c_str()) != 0) throw std::runtime_error("failed: " + command);
  }
  std::string dir_;
};

}  // namespace govsync::test
