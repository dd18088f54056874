// Status and Result<T>: errors as values.
//
// A Status is either OK or carries a stable machine-readable `code` (snake_case,
// e.g. "check_digit", "not_found", "corruption") and a human message. Codes are part
// of the public contract: the HTTP API and the CLI print them, and tests match on
// them. Result<T> holds either a value or a non-OK Status.
//
// Thread safety: plain values; safe to copy between threads.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

namespace cc {

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  static Status Ok() { return Status(); }
  static Status Error(std::string code, std::string message) {
    return Status(std::move(code), std::move(message));
  }

  bool ok() const { return code_.empty(); }
  const std::string& code() const { return code_; }
  const std::string& message() const { return message_; }
  // "code: message", or "ok".
  std::string ToString() const { return ok() ? std::string("ok") : code_ + ": " + message_; }

 private:
  Status(std::string code, std::string message) : code_(std::move(code)), message_(std::move(message)) {}
  std::string code_;  // empty means OK
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    if (status_.ok()) status_ = Status::Error("internal", "Result built from OK status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  // REQUIRES: ok(). Reading the value of an error aborts: it is a programming error.
  const T& value() const& { return Checked(); }
  T& value() & { return Checked(); }
  T&& value() && { return std::move(Checked()); }
  const T& operator*() const& { return Checked(); }
  T& operator*() & { return Checked(); }
  const T* operator->() const { return &Checked(); }
  T* operator->() { return &Checked(); }

 private:
  T& Checked() {
    if (!value_) std::abort();
    return *value_;
  }
  const T& Checked() const {
    if (!value_) std::abort();
    return *value_;
  }
  std::optional<T> value_;
  Status status_;
};

}  // namespace cc

// Propagates a non-OK Status from an expression returning Status.
#define CC_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::cc::Status cc_status_ = (expr);        \
    if (!cc_status_.ok()) return cc_status_; \
  } while (0)
