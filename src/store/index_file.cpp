#include "store/index_file.hpp"

#include <cerrno>

#include "util/error.hpp"
#include "util/file_util.hpp"
#include "util/strings.hpp"

namespace virtckpt::store {

namespace {

constexpr const char* kHeader = "virtckpt-index 1";

void AppendField(std::string* out, const std::string& field) {
  *out += '\t';
  for (char c : field) {
    switch (c) {
      case '%':
        *out += "%25";
        break;
      case '\t':
        *out += "%09";
        break;
      case '\n':
        *out += "%0A";
        break;
      case '\r':
        *out += "%0D";
        break;
      default:
        *out += c;
    }
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> Unescape(const std::string& field) {
  if (field.find('%') == std::string::npos) return field;
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] != '%') {
      out += field[i];
      continue;
    }
    if (i + 2 >= field.size()) return std::nullopt;
    int hi = HexValue(field[i + 1]);
    int lo = HexValue(field[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// Reads the tab-separated fields of one line, in order.
class FieldReader {
 public:
  explicit FieldReader(const std::string& line) : line_(line) {}
  std::optional<std::string> Text() {
    if (pos_ > line_.size()) return std::nullopt;
    size_t end = line_.find('\t', pos_);
    if (end == std::string::npos) end = line_.size();
    std::optional<std::string> field = Unescape(line_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return field;
  }
  std::optional<uint64_t> Number() {
    auto text = Text();
    if (!text) return std::nullopt;
    return util::ParseUint64(*text);
  }
  bool AtEnd() const { return pos_ > line_.size(); }

 private:
  const std::string& line_;
  size_t pos_ = 0;
};

std::optional<IndexEntry> ParseLine(const std::string& line) {
  FieldReader r(line);
  IndexEntry e;
  auto tag = r.Text();
  auto size = r.Number();
  auto mtime = r.Number();
  auto inode = r.Number();
  auto name = r.Text();
  auto parent = r.Text();
  auto created = r.Number();
  auto state = r.Text();
  auto owner = r.Text();
  auto link = r.Number();
  auto has_domain = r.Number();
  auto ndisks = r.Number();
  if (!tag || *tag != "E" || !size || !mtime || !inode || !name || !parent || !created || !state ||
      !owner || !link || !has_domain || !ndisks) {
    return std::nullopt;
  }
  auto parsed_state = CheckpointStateFromString(*state);
  if (!parsed_state || *ndisks > 100000) return std::nullopt;
  e.stamp = {*size, *mtime, *inode};
  e.summary.name = *name;
  e.summary.parent = *parent;
  e.summary.creation_time = static_cast<int64_t>(*created);
  e.summary.state = *parsed_state;
  e.summary.owner = *owner;
  e.summary.link_seq = *link;
  e.summary.has_domain = *has_domain != 0;
  for (uint64_t i = 0; i < *ndisks; ++i) {
    CheckpointSummary::Disk d;
    auto target = r.Text();
    auto type = r.Text();
    auto bitmap = r.Text();
    auto source = r.Text();
    auto format = r.Text();
    auto vsize = r.Text();
    if (!target || !type || !bitmap || !source || !format || !vsize) return std::nullopt;
    auto parsed_type = conf::CheckpointTypeFromString(*type);
    if (!parsed_type) return std::nullopt;
    d.target = *target;
    d.type = *parsed_type;
    d.bitmap = *bitmap;
    d.source = *source;
    d.format = *format;
    if (!vsize->empty()) {
      d.virtual_size = util::ParseUint64(*vsize);
      if (!d.virtual_size) return std::nullopt;
    }
    e.summary.disks.push_back(std::move(d));
  }
  if (!r.AtEnd()) return std::nullopt;
  return e;
}

}  // namespace

std::optional<std::vector<IndexEntry>> ReadIndex(const std::string& path) {
  std::string text;
  try {
    text = util::ReadFile(path);
  } catch (const util::Error&) {
    return std::nullopt;
  }
  std::vector<IndexEntry> entries;
  size_t pos = text.find('\n');
  if (pos == std::string::npos || text.compare(0, pos, kHeader) != 0) return std::nullopt;
  ++pos;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) return std::nullopt;  // a torn last line
    auto entry = ParseLine(text.substr(pos, end - pos));
    if (!entry) return std::nullopt;
    entries.push_back(std::move(*entry));
    pos = end + 1;
  }
  return entries;
}

std::string FormatIndex(const std::vector<IndexEntry>& entries) {
  std::string out = std::string(kHeader) + "\n";
  for (const auto& e : entries) {
    const CheckpointSummary& s = e.summary;
    out += "E";
    AppendField(&out, std::to_string(e.stamp.size));
    AppendField(&out, std::to_string(e.stamp.mtime_ns));
    AppendField(&out, std::to_string(e.stamp.inode));
    AppendField(&out, s.name);
    AppendField(&out, s.parent);
    AppendField(&out, std::to_string(s.creation_time));
    AppendField(&out, CheckpointStateToString(s.state));
    AppendField(&out, s.owner);
    AppendField(&out, std::to_string(s.link_seq));
    AppendField(&out, s.has_domain ? "1" : "0");
    AppendField(&out, std::to_string(s.disks.size()));
    for (const auto& d : s.disks) {
      AppendField(&out, d.target);
      AppendField(&out, conf::CheckpointTypeToString(d.type));
      AppendField(&out, d.bitmap);
      AppendField(&out, d.source);
      AppendField(&out, d.format);
      AppendField(&out, d.virtual_size ? std::to_string(*d.virtual_size) : "");
    }
    out += '\n';
  }
  return out;
}

}  // namespace virtckpt::store
