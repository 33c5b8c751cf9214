#include "backup/reason.hpp"

#include "util/enum_names.hpp"

namespace virtckpt::backup {

namespace {

constexpr util::EnumNames<Reason, 16> kReasonNames{{{
    {Reason::NoCheckpoint, "no_checkpoint"},
    {Reason::NotAncestor, "not_ancestor"},
    {Reason::DiskAddedAfter, "disk_added_after"},
    {Reason::DiskRemovedBetween, "disk_removed_between"},
    {Reason::CheckpointNo, "checkpoint_no"},
    {Reason::IdentityChanged, "identity_changed"},
    {Reason::Resized, "resized"},
    {Reason::ImageFormatMismatch, "image_format_mismatch"},
    {Reason::NotBitmapCapable, "not_bitmap_capable"},
    {Reason::PendingCheckpoint, "pending_checkpoint"},
    {Reason::BitmapShared, "bitmap_shared"},
    {Reason::BitmapMissing, "bitmap_missing"},
    {Reason::BitmapInUse, "bitmap_in_use"},
    {Reason::BitmapDisabled, "bitmap_disabled"},
    {Reason::ChainGap, "chain_gap"},
    {Reason::BitmapsInvalid, "bitmaps_invalid"},
}}};
static_assert(kReasonNames.Covers(kLastReason));

constexpr util::EnumNames<Note, 1> kNoteNames{{{
    {Note::ImageUnavailable, "image_unavailable"},
}}};
static_assert(kNoteNames.Covers(kLastNote));

}  // namespace

const char* ReasonToString(Reason reason) { return kReasonNames.Name(reason); }

std::optional<Reason> ReasonFromString(const std::string& text) { return kReasonNames.Value(text); }

const char* NoteToString(Note note) { return kNoteNames.Name(note); }

std::optional<Note> NoteFromString(const std::string& text) { return kNoteNames.Value(text); }

}  // namespace virtckpt::backup
