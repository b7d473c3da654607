#include "fakes/k8s/certificate_authority.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

namespace pd::fake_k8s {
namespace {

struct EvpKeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Deleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, EvpKeyDeleter>;
using CertPtr = std::unique_ptr<X509, X509Deleter>;

KeyPtr new_key() { return KeyPtr(EVP_EC_gen("P-256")); }

std::string pem_of(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

std::string pem_of(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

bool add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// A random positive 63-bit serial, so certificates from different runs never collide.
long random_serial() {
  unsigned char bytes[8];
  RAND_bytes(bytes, sizeof(bytes));
  unsigned long long value = 0;
  for (unsigned char b : bytes) value = (value << 8) | b;
  return static_cast<long>(value >> 1);
}

// A certificate for `key` named by `subject` entries (CN, O…), signed by issuer/issuer_key
// (self-signed when issuer is null).
CertPtr make_cert(EVP_PKEY* key, const std::vector<std::pair<std::string, std::string>>& subject,
                  X509* issuer, EVP_PKEY* issuer_key,
                  const std::vector<std::pair<int, std::string>>& extensions) {
  CertPtr cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), random_serial());
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * 365);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  for (const auto& [field, value] : subject) {
    X509_NAME_add_entry_by_txt(name, field.c_str(), MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0);
  }
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  for (const auto& [nid, value] : extensions) {
    if (!add_extension(cert.get(), signer, nid, value)) return nullptr;
  }
  if (X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) == 0) return nullptr;
  return cert;
}

}  // namespace

struct CertificateAuthority::Impl {
  KeyPtr key;
  CertPtr cert;
};

CertificateAuthority::CertificateAuthority(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  ca_pem_ = pem_of(impl_->cert.get());
}

CertificateAuthority::~CertificateAuthority() = default;

Result<std::unique_ptr<CertificateAuthority>> CertificateAuthority::create(
    const std::string& common_name) {
  auto impl = std::make_unique<Impl>();
  impl->key = new_key();
  if (!impl->key) return internal_error("cannot generate the CA key");
  impl->cert = make_cert(impl->key.get(), {{"CN", common_name}}, nullptr, nullptr,
                         {{NID_basic_constraints, "critical,CA:TRUE"},
                          {NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"},
                          {NID_subject_key_identifier, "hash"}});
  if (!impl->cert) return internal_error("cannot sign the CA certificate");
  return std::unique_ptr<CertificateAuthority>(new CertificateAuthority(std::move(impl)));
}

Result<KeyPair> CertificateAuthority::issue_server(
    const std::vector<std::string>& dns_names, const std::vector<std::string>& ip_addresses) const {
  KeyPtr key = new_key();
  std::string sans;
  for (const std::string& dns : dns_names) sans += (sans.empty() ? "DNS:" : ",DNS:") + dns;
  for (const std::string& ip : ip_addresses) sans += (sans.empty() ? "IP:" : ",IP:") + ip;
  CertPtr cert =
      make_cert(key.get(), {{"CN", "pd-fake-cluster"}}, impl_->cert.get(), impl_->key.get(),
                {{NID_basic_constraints, "critical,CA:FALSE"},
                 {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
                 {NID_ext_key_usage, "serverAuth"},
                 {NID_subject_alt_name, sans}});
  if (!cert) return internal_error("cannot sign the server certificate");
  return KeyPair{pem_of(cert.get()), pem_of(key.get())};
}

Result<KeyPair> CertificateAuthority::issue_client(const std::string& user,
                                                   const std::vector<std::string>& groups) const {
  KeyPtr key = new_key();
  std::vector<std::pair<std::string, std::string>> subject;
  for (const std::string& group : groups) subject.push_back({"O", group});
  subject.push_back({"CN", user});
  CertPtr cert = make_cert(key.get(), subject, impl_->cert.get(), impl_->key.get(),
                           {{NID_basic_constraints, "critical,CA:FALSE"},
                            {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
                            {NID_ext_key_usage, "clientAuth"}});
  if (!cert) return internal_error("cannot sign the client certificate");
  return KeyPair{pem_of(cert.get()), pem_of(key.get())};
}

}  // namespace pd::fake_k8s
