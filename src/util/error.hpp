// The one exception type of virtckpt: a code plus the message virsh would print after "error: ".
#pragma once

#include <stdexcept>
#include <string>

namespace virtckpt::util {

enum class ErrorCode {
  XmlSyntax,
  SchemaInvalid,
  ConfigInvalid,
  NotFound,
  AlreadyExists,
  Corruption,
  Io,
  Busy,
  Unsupported,
  InvalidArgument,
  OperationInvalid,
  Forbidden,  // a read-only connection
  NoConnect,  // printed after virsh's "failed to connect to the hypervisor"
  Internal,
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace virtckpt::util
