#include "util/error.hpp"

#include <array>
#include <cstddef>

namespace virtckpt::util {

namespace {

struct ErrorRow {
  ErrorCode code;
  const char* prefix;  // as libvirt's src/util/virerror.c formats the code's message
  ErrorCategory category;
};

using C = ErrorCode;
using K = ErrorCategory;

constexpr std::array kErrors = {
    ErrorRow{C::InternalError, "internal error: ", K::Internal},
    ErrorRow{C::InternalCorruption, "internal error: ", K::Corruption},
    ErrorRow{C::NoSupport,
             "this function is not supported by the connection driver: ", K::Unsupported},
    ErrorRow{C::NoConnect, "", K::Io},
    ErrorRow{C::XmlError, "XML error: ", K::XmlSyntax},
    ErrorRow{C::XmlConfigError, "XML error: ", K::ConfigInvalid},
    ErrorRow{C::XmlDetail, "", K::XmlSyntax},
    ErrorRow{C::XmlInvalidSchema,
             "XML document failed to validate against schema: ", K::SchemaInvalid},
    ErrorRow{C::OperationFailed, "operation failed: ", K::AlreadyExists},
    ErrorRow{C::OperationFailedCorrupt, "operation failed: ", K::Corruption},
    ErrorRow{C::InvalidArg, "invalid argument: ", K::InvalidArgument},
    ErrorRow{C::NoDomain, "Domain not found: ", K::NotFound},
    ErrorRow{C::DomainLookupFailed, "", K::NotFound},
    ErrorRow{C::NoDomainCheckpoint, "Domain checkpoint not found: ", K::NotFound},
    ErrorRow{C::NoDomainBackup, "Domain backup job id not found: ", K::NotFound},
    ErrorRow{C::DeviceMissing, "device not found: ", K::NotFound},
    ErrorRow{C::OperationInvalid, "Requested operation is not valid: ", K::InvalidArgument},
    ErrorRow{C::OperationInvalidBusy, "Requested operation is not valid: ", K::Busy},
    ErrorRow{C::ConfigUnsupported, "unsupported configuration: ", K::ConfigInvalid},
    ErrorRow{C::ConfigUnsupportedFormat, "unsupported configuration: ", K::Unsupported},
    ErrorRow{C::OperationTimeout, "Timed out during operation: ", K::Busy},
    ErrorRow{C::OperationDenied, "operation forbidden: ", K::Forbidden},
    ErrorRow{C::OperationUnsupported, "Operation not supported: ", K::Unsupported},
    ErrorRow{C::ArgumentUnsupported, "argument unsupported: ", K::Unsupported},
    ErrorRow{C::SystemError, "", K::Io},
    ErrorRow{C::SystemErrorMissing, "", K::NotFound},
    ErrorRow{C::CorruptFile, "", K::Corruption},
};

// True iff the rows are the codes 0..last, each once and in order.
constexpr bool CoversEveryCode() {
  if (static_cast<size_t>(kLastErrorCode) + 1 != kErrors.size()) return false;
  for (size_t i = 0; i < kErrors.size(); ++i) {
    if (static_cast<size_t>(kErrors[i].code) != i || kErrors[i].prefix == nullptr) return false;
  }
  return true;
}

static_assert(CoversEveryCode());

}  // namespace

const char* ErrorPrefix(ErrorCode code) { return kErrors[static_cast<size_t>(code)].prefix; }

ErrorCategory CategoryOf(ErrorCode code) { return kErrors[static_cast<size_t>(code)].category; }

}  // namespace virtckpt::util
