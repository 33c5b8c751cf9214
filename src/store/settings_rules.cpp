#include "store/settings_rules.hpp"

#include "util/error.hpp"
#include "util/strings.hpp"

namespace virtckpt::store {

using util::Error;
using util::ErrorCode;

bool IsValidGranularity(uint64_t granularity) {
  return granularity >= 512 && granularity <= (1ull << 31) &&
         (granularity & (granularity - 1)) == 0;
}

DomainSettings ApplySettingsChoice(const SettingsChoice& choice, DomainSettings base) {
  if (choice.model) {
    std::optional<BitmapModel> model = BitmapModelFromString(*choice.model);
    if (!model) {
      throw Error(ErrorCode::InvalidArg,
                  "unknown bitmap model '" + *choice.model + "' (expected cumulative or delta)");
    }
    base.model = *model;
  }
  if (choice.mode) {
    std::optional<BitmapMode> mode = BitmapModeFromString(*choice.mode);
    if (!mode) {
      throw Error(ErrorCode::InvalidArg,
                  "unknown bitmap mode '" + *choice.mode + "' (expected external or managed)");
    }
    base.mode = *mode;
  }
  if (choice.granularity) {
    std::optional<uint64_t> granularity = util::ParseUint64(*choice.granularity);
    if (!granularity || !IsValidGranularity(*granularity)) {
      throw Error(ErrorCode::InvalidArg, "granularity '" + *choice.granularity +
                                             "' must be a power of two between 512 and 2147483648");
    }
    base.granularity = *granularity;
  }
  return base;
}

void CheckBitmapModelChange(const std::string& domain, BitmapModel current, BitmapModel wanted,
                            size_t checkpoints) {
  if (wanted == current || checkpoints == 0) return;
  throw Error(ErrorCode::OperationInvalid, "cannot change the bitmap model of domain '" + domain +
                                               "' while it has " + std::to_string(checkpoints) +
                                               " checkpoints");
}

}  // namespace virtckpt::store
