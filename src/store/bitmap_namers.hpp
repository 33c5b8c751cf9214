// Which checkpoints name which bitmap. Checkpoint names are unique and a disk's bitmap is named
// after its checkpoint unless the document says otherwise, so two checkpoints can name the same
// bitmap only if one of them names a bitmap otherwise than after itself: only such checkpoints
// (CheckpointSummary::names_other_bitmaps) are looked into, and the one named like the bitmap is
// found by name.
#pragma once

#include <map>
#include <string_view>

#include "store/checkpoint_tree.hpp"
#include "store/records.hpp"

namespace virtckpt::store {

// A disk entry that names a bitmap (checkpoint='bitmap' with a bitmap name).
bool NamesBitmap(const CheckpointSummary::Disk& disk);
// Two entries of one target are the same image unless both record a source and they differ.
bool SameImage(const CheckpointSummary::Disk& a, const CheckpointSummary::Disk& b);

class BitmapNamers {
 public:
  explicit BitmapNamers(const CheckpointTree& tree);

  // Without such checkpoints no two checkpoints name the same bitmap.
  bool empty() const { return renamed_.empty(); }

  // Calls visit(checkpoint) for each checkpoint that names `entry`'s bitmap for the same target
  // and image (the one named like the bitmap first, then in topological order), until visit
  // returns true; returns whether one did.
  template <typename Visit>
  bool Any(const CheckpointSummary::Disk& entry, Visit visit) const {
    if (const CheckpointSummary* named = tree_.Find(entry.bitmap)) {
      if (const CheckpointSummary::Disk* d = EntryFor(*named, entry.target);
          d && NamesBitmap(*d) && d->bitmap == entry.bitmap && SameImage(*d, entry) &&
          visit(named)) {
        return true;
      }
    }
    auto [first, last] = renamed_.equal_range(entry.bitmap);
    for (auto it = first; it != last; ++it) {
      const Named& other = it->second;
      if (other.disk->target == entry.target && SameImage(*other.disk, entry) &&
          visit(other.checkpoint)) {
        return true;
      }
    }
    return false;
  }

 private:
  struct Named {
    const CheckpointSummary* checkpoint;
    const CheckpointSummary::Disk* disk;
  };
  static const CheckpointSummary::Disk* EntryFor(const CheckpointSummary& c,
                                                 const std::string& target);

  const CheckpointTree& tree_;
  // The entries that name a bitmap otherwise than after their checkpoint, by bitmap name.
  std::multimap<std::string_view, Named> renamed_;
};

}  // namespace virtckpt::store
