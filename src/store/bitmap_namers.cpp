#include "store/bitmap_namers.hpp"

namespace virtckpt::store {

bool NamesBitmap(const CheckpointSummary::Disk& disk) {
  return disk.type == conf::CheckpointType::Bitmap && !disk.bitmap.empty();
}

bool SameImage(const CheckpointSummary::Disk& a, const CheckpointSummary::Disk& b) {
  return a.source.empty() || b.source.empty() || a.source == b.source;
}

BitmapNamers::BitmapNamers(const CheckpointTree& tree) : tree_(tree) {
  for (const CheckpointSummary* c : tree.Topological()) {
    if (!c->names_other_bitmaps) continue;
    for (const auto& d : c->disks()) {
      if (NamesBitmap(d) && d.bitmap != c->name) renamed_.emplace(d.bitmap, Named{c, &d});
    }
  }
}

const CheckpointSummary::Disk* BitmapNamers::EntryFor(const CheckpointSummary& c,
                                                      const std::string& target) {
  for (const auto& d : c.disks()) {
    if (d.target == target) return &d;
  }
  return nullptr;
}

}  // namespace virtckpt::store
