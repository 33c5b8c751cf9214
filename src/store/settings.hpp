// Per-domain settings: which bitmap model the checkpoints follow and who manages the bitmaps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace virtckpt::store {

enum class BitmapModel { Cumulative, Delta };
constexpr BitmapModel kLastBitmapModel = BitmapModel::Delta;
enum class BitmapMode { External, Managed };
constexpr BitmapMode kLastBitmapMode = BitmapMode::Managed;

const char* BitmapModelToString(BitmapModel model);
std::optional<BitmapModel> BitmapModelFromString(const std::string& text);
const char* BitmapModeToString(BitmapMode mode);
std::optional<BitmapMode> BitmapModeFromString(const std::string& text);

struct DomainSettings {
  BitmapModel model = BitmapModel::Cumulative;
  BitmapMode mode = BitmapMode::External;
  uint64_t granularity = 65536;
  bool operator==(const DomainSettings& o) const {
    return model == o.model && mode == o.mode && granularity == o.granularity;
  }
};

}  // namespace virtckpt::store
