#include <catch2/catch.hpp>
#include <cstddef>
#include <new>
#include <sstream>
#include <stdexcept>
#include <string>

#include "cli/command.hpp"
#include "cli/connection.hpp"
#include "cli/runner.hpp"
#include "test_support.hpp"
#include "util/error.hpp"

namespace {

using virtckpt::util::Error;
using virtckpt::util::ErrorCategory;
using virtckpt::util::ErrorCode;
using virtckpt::util::ErrorPrefix;

TEST_CASE("every error code has libvirt's prefix and a category") {
  // As src/util/virerror.c formats the messages virsh prints.
  CHECK(std::string(ErrorPrefix(ErrorCode::InternalError)) == "internal error: ");
  CHECK(std::string(ErrorPrefix(ErrorCode::NoSupport)) ==
        "this function is not supported by the connection driver: ");
  CHECK(std::string(ErrorPrefix(ErrorCode::XmlError)) == "XML error: ");
  CHECK(std::string(ErrorPrefix(ErrorCode::XmlDetail)).empty());
  CHECK(std::string(ErrorPrefix(ErrorCode::XmlInvalidSchema)) ==
        "XML document failed to validate against schema: ");
  CHECK(std::string(ErrorPrefix(ErrorCode::OperationFailed)) == "operation failed: ");
  CHECK(std::string(ErrorPrefix(ErrorCode::InvalidArg)) == "invalid argument: ");
  CHECK(std::string(ErrorPrefix(ErrorCode::NoDomain)) == "Domain not found: ");
  CHECK(std::string(ErrorPrefix(ErrorCode::NoDomainCheckpoint)) == "Domain checkpoint not found: ");
  CHECK(std::string(ErrorPrefix(ErrorCode::NoDomainBackup)) == "Domain backup job id not found: ");
  CHECK(std::string(ErrorPrefix(ErrorCode::DeviceMissing)) == "device not found: ");
  CHECK(std::string(ErrorPrefix(ErrorCode::OperationInvalid)) ==
        "Requested operation is not valid: ");
  CHECK(std::string(ErrorPrefix(ErrorCode::ConfigUnsupported)) == "unsupported configuration: ");
  CHECK(std::string(ErrorPrefix(ErrorCode::OperationTimeout)) == "Timed out during operation: ");
  CHECK(std::string(ErrorPrefix(ErrorCode::OperationDenied)) == "operation forbidden: ");
  CHECK(std::string(ErrorPrefix(ErrorCode::OperationUnsupported)) == "Operation not supported: ");
  CHECK(std::string(ErrorPrefix(ErrorCode::ArgumentUnsupported)) == "argument unsupported: ");
  CHECK(std::string(ErrorPrefix(ErrorCode::SystemError)).empty());

  // One prefix, two categories.
  CHECK(Error(ErrorCode::OperationFailed, "x").category() == ErrorCategory::AlreadyExists);
  CHECK(Error(ErrorCode::OperationFailedCorrupt, "x").category() == ErrorCategory::Corruption);
  CHECK(std::string(ErrorPrefix(ErrorCode::OperationFailedCorrupt)) == "operation failed: ");
  CHECK(Error(ErrorCode::OperationInvalidBusy, "x").category() == ErrorCategory::Busy);
  CHECK(Error(ErrorCode::SystemErrorMissing, "x").category() == ErrorCategory::NotFound);

  for (size_t i = 0; i <= static_cast<size_t>(virtckpt::util::kLastErrorCode); ++i) {
    auto code = static_cast<ErrorCode>(i);
    INFO(i);
    REQUIRE(ErrorPrefix(code) != nullptr);
    Error e(code, "the detail");
    CHECK(e.code() == code);
    CHECK(std::string(e.what()) == std::string(ErrorPrefix(code)) + "the detail");
  }
}

TEST_CASE("what() is the prefix and the detail, as virsh prints it after error: ") {
  Error e(ErrorCode::NoDomainCheckpoint, "no domain checkpoint with matching name 'c1'");
  CHECK(std::string(e.what()) ==
        "Domain checkpoint not found: no domain checkpoint with matching name 'c1'");
  CHECK(e.category() == ErrorCategory::NotFound);
  CHECK(
      std::string(Error(ErrorCode::SystemError, "Failed to open file 'f': No such file").what()) ==
      "Failed to open file 'f': No such file");
}

struct RunResult {
  int rc;
  std::string out;
  std::string err;
};

RunResult Run(void (*body)(virtckpt::cli::Context&, const virtckpt::cli::Arguments&)) {
  virtckpt::test::TempDir store;
  virtckpt::cli::Connection connection(store.path());
  std::ostringstream out;
  std::ostringstream err;
  virtckpt::cli::Context ctx{connection, out, err};
  virtckpt::cli::CommandDef def{"boom", "", "", {}, body};
  int rc = virtckpt::cli::RunCommand(ctx, def, virtckpt::cli::Arguments(), false);
  return {rc, out.str(), err.str()};
}

TEST_CASE("the runner turns an unexpected exception into one error line") {
  RunResult oom =
      Run([](virtckpt::cli::Context&, const virtckpt::cli::Arguments&) { throw std::bad_alloc(); });
  CHECK(oom.rc == 1);
  CHECK(oom.err == "error: out of memory\n");
  CHECK(oom.out == "\n");

  RunResult other = Run([](virtckpt::cli::Context&, const virtckpt::cli::Arguments&) {
    throw std::logic_error("no such state");
  });
  CHECK(other.rc == 1);
  CHECK(other.err == "error: internal error: unexpected exception: no such state\n");
  CHECK(other.out == "\n");

  RunResult coded = Run([](virtckpt::cli::Context&, const virtckpt::cli::Arguments&) {
    throw Error(ErrorCode::OperationDenied, "read only access prevents virDomainUndefine");
  });
  CHECK(coded.rc == 1);
  CHECK(coded.err == "error: operation forbidden: read only access prevents virDomainUndefine\n");
}

}  // namespace
