// Why a disk needs a full backup, and the remarks that do not change the decision:
// machine-readable codes, reasons in the canonical order in which a plan lists them.
#pragma once

#include <optional>
#include <string>

namespace virtckpt::backup {

enum class Reason {
  NoCheckpoint,
  NotAncestor,
  DiskAddedAfter,
  DiskRemovedBetween,
  CheckpointNo,
  IdentityChanged,
  Resized,
  ImageFormatMismatch,
  NotBitmapCapable,
  PendingCheckpoint,
  BitmapShared,
  // Reserved for the image checks of the qcow2 reader.
  BitmapMissing,
  BitmapInUse,
  BitmapDisabled,
  ChainGap,
  BitmapsInvalid,
};
constexpr Reason kLastReason = Reason::BitmapsInvalid;

// One name table, used both ways.
const char* ReasonToString(Reason reason);
std::optional<Reason> ReasonFromString(const std::string& text);

// A fact about a disk that leaves its decision as it is.
enum class Note {
  ImageUnavailable,
};
constexpr Note kLastNote = Note::ImageUnavailable;

const char* NoteToString(Note note);
std::optional<Note> NoteFromString(const std::string& text);

}  // namespace virtckpt::backup
