#pragma once
// Streaming SHA-256 (OpenSSL's EVP), for tensor checksums computed chunk by chunk.

#include <cstddef>
#include <memory>
#include <span>
#include <string>

namespace graft {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::span<const std::byte> bytes);
  std::string hexDigest();  // finishes the hash; lowercase, 64 characters

 private:
  struct Context;
  std::unique_ptr<Context> ctx_;
};

}  // namespace graft
