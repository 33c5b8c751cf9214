// The one exception type of virtckpt: a code, which decides the prefix libvirt puts before the
// detail, and the category of the failure. what() is what virsh prints after "error: ".
#pragma once

#include <stdexcept>
#include <string>

namespace virtckpt::util {

// What went wrong, for code that branches on a failure; comments write Error(CATEGORY).
enum class ErrorCategory {
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
  Forbidden,
  Internal,
};

// libvirt's error numbers whose messages virsh prints (VIR_ERR_*), one per prefix and category:
// a prefix that serves two categories has two codes.
enum class ErrorCode {
  InternalError,       // VIR_ERR_INTERNAL_ERROR
  InternalCorruption,  // VIR_ERR_INTERNAL_ERROR for a damaged store file
  NoSupport,           // VIR_ERR_NO_SUPPORT
  NoConnect,           // the store cannot be opened: after "failed to connect to the hypervisor"
  XmlError,            // VIR_ERR_XML_ERROR for a document that is not well formed
  XmlConfigError,      // VIR_ERR_XML_ERROR for a well-formed document missing a part
  XmlDetail,           // VIR_ERR_XML_DETAIL: libxml2's own messages, file and line first
  XmlInvalidSchema,    // VIR_ERR_XML_INVALID_SCHEMA
  OperationFailed,     // VIR_ERR_OPERATION_FAILED for something that exists already
  OperationFailedCorrupt,   // VIR_ERR_OPERATION_FAILED for a file that does not load
  InvalidArg,               // VIR_ERR_INVALID_ARG
  NoDomain,                 // VIR_ERR_NO_DOMAIN
  DomainLookupFailed,       // virsh's own "failed to get domain 'NAME'"
  NoDomainCheckpoint,       // VIR_ERR_NO_DOMAIN_CHECKPOINT
  NoDomainBackup,           // VIR_ERR_NO_DOMAIN_BACKUP
  DeviceMissing,            // VIR_ERR_DEVICE_MISSING
  OperationInvalid,         // VIR_ERR_OPERATION_INVALID
  OperationInvalidBusy,     // VIR_ERR_OPERATION_INVALID while a backup job holds what is asked
  ConfigUnsupported,        // VIR_ERR_CONFIG_UNSUPPORTED
  ConfigUnsupportedFormat,  // VIR_ERR_CONFIG_UNSUPPORTED for a store newer than this virtckpt
  OperationTimeout,         // VIR_ERR_OPERATION_TIMEOUT
  OperationDenied,          // VIR_ERR_OPERATION_DENIED
  OperationUnsupported,     // VIR_ERR_OPERATION_UNSUPPORTED
  ArgumentUnsupported,      // VIR_ERR_ARGUMENT_UNSUPPORTED
  SystemError,              // VIR_ERR_SYSTEM_ERROR: "Failed to open file 'PATH': REASON"
  SystemErrorMissing,       // VIR_ERR_SYSTEM_ERROR for a file that does not exist
  CorruptFile,              // why a file was skipped, printed within a warning
};

constexpr ErrorCode kLastErrorCode = ErrorCode::CorruptFile;

// What virsh prints before the detail of an error with this code ("" for none).
const char* ErrorPrefix(ErrorCode code);
ErrorCategory CategoryOf(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& detail)
      : std::runtime_error(ErrorPrefix(code) + detail), code_(code) {}
  ErrorCode code() const { return code_; }
  ErrorCategory category() const { return CategoryOf(code_); }

 private:
  ErrorCode code_;
};

}  // namespace virtckpt::util
