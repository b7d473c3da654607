// A throwaway certificate authority generated at start (OpenSSL, EC P-256): it signs the fake
// server's certificate (SANs for 127.0.0.1, localhost and kubernetes.default.svc) and client
// certificates whose CN/O become the user and groups, as on a real cluster.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/util/status.h"

namespace pd::fake_k8s {

// A certificate and its private key, PEM-encoded.
struct KeyPair {
  std::string cert_pem;
  std::string key_pem;
};

class CertificateAuthority {
 public:
  static Result<std::unique_ptr<CertificateAuthority>> create(const std::string& common_name);
  ~CertificateAuthority();

  const std::string& ca_pem() const { return ca_pem_; }
  Result<KeyPair> issue_server(const std::vector<std::string>& dns_names,
                               const std::vector<std::string>& ip_addresses) const;
  Result<KeyPair> issue_client(const std::string& user,
                               const std::vector<std::string>& groups) const;

 private:
  struct Impl;
  explicit CertificateAuthority(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string ca_pem_;
};

}  // namespace pd::fake_k8s
