// A libvirt <domaincheckpoint>: parse and format side by side, byte-identical to libvirt 9.0.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/domain_def.hpp"
#include "xml/node.hpp"

namespace virtckpt::conf {

enum class CheckpointType { Default, No, Bitmap };
constexpr CheckpointType kLastCheckpointType = CheckpointType::Bitmap;

// libvirt's checkpointName: [a-zA-Z0-9_-][a-zA-Z0-9_.-]* (a usable file name).
bool IsValidCheckpointName(const std::string& name);
// Throws Error(InvalidArgument) with the pattern for a name IsValidCheckpointName refuses.
void CheckCheckpointName(const std::string& name);

// One name table, used both ways.
const char* CheckpointTypeToString(CheckpointType type);
std::optional<CheckpointType> CheckpointTypeFromString(std::string_view text);

struct CheckpointDisk {
  std::string name;
  CheckpointType type = CheckpointType::Default;
  std::string bitmap;
  std::optional<uint64_t> size;  // dirty bytes, output only with kFormatSize
};

struct CheckpointDef {
  std::string name;
  std::string description;
  std::string parent;
  int64_t creation_time = 0;
  std::vector<CheckpointDisk> disks;
  std::optional<DomainDef> domain;
};

enum ParseFlags : unsigned {
  kParseRedefine = 1u << 0,  // name and creationTime required; parent and <domain> honoured
};

enum FormatFlags : unsigned {
  kFormatSecure = 1u << 0,
  kFormatNoDomain = 1u << 1,
  kFormatSize = 1u << 2,
};

// Safe parse, root check and RelaxNG validation of a document given as text.
CheckpointDef ParseCheckpoint(const std::string& text, unsigned flags);
// Reads an already parsed and validated <domaincheckpoint> element.
CheckpointDef CheckpointFromNode(const xml::Node& root, unsigned flags);

// The document as libvirt formats it; `extra` (the store's private element) goes right before
// the closing tag.
std::string FormatCheckpoint(const CheckpointDef& def, unsigned flags,
                             const xml::Node* extra = nullptr);
// The same, as an element of a document being written.
void WriteCheckpoint(const CheckpointDef& def, unsigned flags, xml::Writer* writer,
                     const xml::Node* extra = nullptr);

// libvirt's create rules: a missing name becomes the creation time in seconds, the new
// checkpoint embeds the current definition, and its disks are aligned with it.
void PrepareCreate(CheckpointDef* def, const DomainDef& current, int64_t now);

// Redefine checks that need the domain: the embedded <domain> must have the domain's uuid, and
// disks are aligned with the embedded definition (or only given bitmap names without one).
void PrepareRedefine(CheckpointDef* def, const DomainDef& current);

// libvirt's redefine validation: every disk of the document that has a bitmap (any but
// checkpoint='no') must be a disk of the current definition; throws Error(ConfigInvalid).
void ValidateRedefinedDisks(const CheckpointDef& def, const DomainDef& current);

// Aligns the requested disks with a domain, with libvirt's errors: one entry per domain disk,
// in domain order, named by target; unlisted disks get checkpoint='no'.
void AlignDisks(CheckpointDef* def, const DomainDef& domain);

}  // namespace virtckpt::conf
