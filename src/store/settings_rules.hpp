// The rules of a domain's bitmap settings: what a user may choose, and when the bitmap model may
// change.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "store/settings.hpp"

namespace virtckpt::store {

// What a user asks of a domain's settings, as given; each is unset when not asked.
struct SettingsChoice {
  std::optional<std::string> model;
  std::optional<std::string> mode;
  std::optional<std::string> granularity;
  bool empty() const { return !model && !mode && !granularity; }
};

// qcow2 bitmaps: a power of two from 512 bytes to 2 GiB.
bool IsValidGranularity(uint64_t granularity);

// `base` with the choice applied: the model, then the mode, then the granularity. Throws
// Error(InvalidArgument) for a name that is none of the model's or mode's, or a granularity
// that is not a decimal number the rule allows.
DomainSettings ApplySettingsChoice(const SettingsChoice& choice, DomainSettings base);

// The bitmaps of a domain's checkpoints follow its model: the model stays as it is while the
// domain has checkpoints. Throws Error(OperationInvalid) for such a change.
void CheckBitmapModelChange(const std::string& domain, BitmapModel current, BitmapModel wanted,
                            size_t checkpoints);

}  // namespace virtckpt::store
