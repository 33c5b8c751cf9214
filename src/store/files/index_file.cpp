#include "store/files/index_file.hpp"

#include <algorithm>
#include <charconv>

#include "util/error.hpp"
#include "util/file_util.hpp"
#include "util/name_table.hpp"

namespace virtckpt::store::files {

namespace {

// Version 3: images numbered by 'I' lines; 'E' lines for entries (stamped with device, inode,
// size, mtime and ctime), 'R' lines for removals. docs/store-format.md describes the lines.
constexpr std::string_view kHeader = "virtckpt-index 3";
constexpr uint64_t kMaxDisks = 100000;
constexpr uint64_t kMaxImages = 1u << 20;
constexpr size_t kMaxIndexFile = size_t{1} << 30;

void AppendField(std::string* out, std::string_view field) {
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

void AppendNumber(std::string* out, uint64_t n) { AppendField(out, std::to_string(n)); }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Whether every '%' of `field` starts a valid escape.
bool WellEscaped(std::string_view field) {
  for (size_t i = field.find('%'); i != std::string_view::npos; i = field.find('%', i + 3)) {
    if (i + 2 >= field.size() || HexValue(field[i + 1]) < 0 || HexValue(field[i + 2]) < 0) {
      return false;
    }
  }
  return true;
}

std::optional<std::string> Unescape(std::string_view field) {
  if (field.find('%') == std::string_view::npos) return std::string(field);
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

template <typename Number>
std::optional<Number> ParseNumber(std::string_view text) {
  Number n{};
  const char* end = text.data() + text.size();
  if (text.empty() || text[0] == '+') return std::nullopt;
  auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return n;
}

// The tab-separated fields of one line, in order.
class FieldReader {
 public:
  explicit FieldReader(std::string_view line) : line_(line) {}
  std::optional<std::string_view> Raw() {
    if (pos_ > line_.size()) return std::nullopt;
    // Fields are short: a plain loop beats a library search call per field.
    size_t end = pos_;
    while (end < line_.size() && line_[end] != '\t') ++end;
    std::string_view field = line_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return field;
  }
  std::optional<std::string> Text() {
    auto raw = Raw();
    if (!raw) return std::nullopt;
    return Unescape(*raw);
  }
  template <typename T>
  std::optional<T> Number() {
    auto raw = Raw();
    if (!raw) return std::nullopt;
    return ParseNumber<T>(*raw);
  }
  std::string_view Rest() const { return pos_ > line_.size() ? "" : line_.substr(pos_); }
  bool AtEnd() const { return pos_ > line_.size(); }

 private:
  std::string_view line_;
  size_t pos_ = 0;
};

std::optional<std::optional<uint64_t>> ParseSize(std::string_view text) {
  if (text == "-") return std::optional<uint64_t>();
  auto n = ParseNumber<uint64_t>(text);
  if (!n) return std::nullopt;
  return std::optional<uint64_t>(*n);
}

// Decodes the disks of the entries of one index file; holds the file's text.
class IndexDisks : public CheckpointSummary::DiskDecoder {
 public:
  explicit IndexDisks(util::LargeText text) : text_(std::move(text)) {}
  std::string_view text() const { return text_; }
  void SetImages(std::vector<IndexImages::Key> images) { images_ = std::move(images); }

  // Checks every disk of `encoded` (fields: target, type, bitmap, image number) without
  // decoding it.
  bool Valid(std::string_view encoded, uint64_t disks, const IndexImages& images) const {
    if (disks == 0) return encoded.empty();
    FieldReader r(encoded);
    for (uint64_t i = 0; i < disks; ++i) {
      auto target = r.Raw();
      auto type = r.Raw();
      auto bitmap = r.Raw();
      auto image = r.Raw();
      if (!target || !type || !bitmap || !image) return false;
      if (!conf::CheckpointTypeFromString(*type)) return false;
      auto number = ParseNumber<uint64_t>(*image);
      if (!number || !images.Find(*number)) return false;
      if (!WellEscaped(*target) || !WellEscaped(*bitmap)) return false;
    }
    return r.AtEnd();
  }

  std::vector<CheckpointSummary::Disk> Decode(std::string_view encoded) const override {
    std::vector<CheckpointSummary::Disk> disks;
    FieldReader r(encoded);
    while (!encoded.empty() && !r.AtEnd()) {
      CheckpointSummary::Disk d;
      d.target = r.Text().value_or("");
      d.type = conf::CheckpointTypeFromString(r.Raw().value_or(""))
                   .value_or(conf::CheckpointType::Default);
      d.bitmap = r.Text().value_or("");
      uint64_t number = r.Number<uint64_t>().value_or(0);
      if (number < images_.size()) {
        std::tie(d.source, d.format, d.virtual_size) = images_[number];
      }
      disks.push_back(std::move(d));
    }
    return disks;
  }

 private:
  util::LargeText text_;
  std::vector<IndexImages::Key> images_;
};

bool ParseImageLine(std::string_view line, IndexImages* images) {
  FieldReader r(line);
  r.Raw();  // the tag
  auto number = r.Number<uint64_t>();
  auto source = r.Text();
  auto format = r.Text();
  auto size_field = r.Raw();
  if (!number || !source || !format || !size_field || !r.AtEnd()) return false;
  auto size = ParseSize(*size_field);
  if (!size || images->Find(*number) || *number >= kMaxImages) return false;
  images->Define(*number, {std::move(*source), std::move(*format), *size});
  return true;
}

std::optional<IndexEntry> ParseEntryLine(std::string_view line, const IndexImages& images,
                                         const std::shared_ptr<const IndexDisks>& disks) {
  FieldReader r(line);
  r.Raw();  // the tag
  IndexEntry e;
  auto device = r.Number<uint64_t>();
  auto inode = r.Number<uint64_t>();
  auto size = r.Number<uint64_t>();
  auto mtime = r.Number<uint64_t>();
  auto ctime = r.Number<uint64_t>();
  auto name = r.Text();
  auto parent = r.Text();
  auto created = r.Number<int64_t>();
  auto state = r.Raw();
  auto owner = r.Text();
  auto link = r.Number<uint64_t>();
  auto has_domain = r.Number<uint64_t>();
  auto other_bitmaps = r.Number<uint64_t>();
  auto ndisks = r.Number<uint64_t>();
  if (!device || !inode || !size || !mtime || !ctime || !name || name->empty() || !parent ||
      !created || !state || !owner || !link || !has_domain || *has_domain > 1 || !other_bitmaps ||
      *other_bitmaps > 1 || !ndisks || *ndisks > kMaxDisks) {
    return std::nullopt;
  }
  auto parsed_state = CheckpointStateFromString(*state);
  if (!parsed_state) return std::nullopt;
  std::string_view encoded = r.Rest();
  if (!disks->Valid(encoded, *ndisks, images)) return std::nullopt;
  e.stamp = {*device, *inode, *size, *mtime, *ctime};
  e.summary.name = std::move(*name);
  e.summary.parent = std::move(*parent);
  e.summary.creation_time = *created;
  e.summary.state = *parsed_state;
  e.summary.owner = std::move(*owner);
  e.summary.link_seq = *link;
  e.summary.has_domain = *has_domain != 0;
  e.summary.names_other_bitmaps = *other_bitmaps != 0;
  if (*ndisks > 0) e.summary.set_encoded_disks(disks, encoded);
  return e;
}

}  // namespace

uint64_t IndexImages::Number(const Key& key, std::string* new_lines) {
  auto it = numbers_.find(key);
  if (it != numbers_.end()) return it->second;
  uint64_t number = by_number_.size();
  Define(number, key);
  *new_lines += "I";
  AppendNumber(new_lines, number);
  AppendField(new_lines, std::get<0>(key));
  AppendField(new_lines, std::get<1>(key));
  AppendField(new_lines, std::get<2>(key) ? std::to_string(*std::get<2>(key)) : "-");
  *new_lines += '\n';
  return number;
}

void IndexImages::Define(uint64_t number, Key key) {
  auto it = numbers_.emplace(std::move(key), number).first;
  if (by_number_.size() <= number) by_number_.resize(number + 1, nullptr);
  by_number_[number] = &it->first;
}

std::vector<IndexImages::Key> IndexImages::Table() const {
  std::vector<Key> table;
  table.reserve(by_number_.size());
  for (const Key* key : by_number_) table.push_back(key ? *key : Key{});
  return table;
}

const IndexImages::Key* IndexImages::Find(uint64_t number) const {
  return number < by_number_.size() ? by_number_[number] : nullptr;
}

void RemoveRow(CheckpointSummaries& summaries, util::LargeVector<FileStamp>& stamps,
               util::NameTable& names, const std::string& name, uint32_t row) {
  uint32_t last = static_cast<uint32_t>(summaries.size() - 1);
  names.Erase(name);
  if (row != last) {
    names.Renumber(summaries[last].name, row);
    summaries[row] = std::move(summaries[last]);
    stamps[row] = stamps[last];
  }
  summaries.pop_back();
  stamps.pop_back();
}

std::optional<IndexContents> ReadIndex(const std::string& path) {
  util::LargeText text;
  std::optional<util::FileStat> before = util::StatPath(path);
  if (!before || !before->regular) return std::nullopt;
  try {
    text = util::ReadLargeFile(path, kMaxIndexFile);
  } catch (const util::Error&) {
    return std::nullopt;
  }
  auto disks = std::make_shared<IndexDisks>(std::move(text));
  std::string_view all = disks->text();
  if (all.substr(0, kHeader.size() + 1) != std::string(kHeader) + "\n") return std::nullopt;

  IndexContents contents;
  contents.mtime_ns = before->stamp.mtime_ns;
  auto& summaries = contents.summaries;
  auto& stamps = contents.stamps;
  size_t line_count = static_cast<size_t>(std::count(all.begin(), all.end(), '\n'));
  summaries.reserve(line_count);
  stamps.reserve(line_count);
  util::NameTable& position = contents.names;
  position.Rebind([&summaries](uint32_t row) -> std::string_view { return summaries[row].name; });
  position.Reset(line_count);
  for (size_t pos = kHeader.size() + 1; pos < all.size();) {
    size_t end = all.find('\n', pos);
    if (end == std::string_view::npos) {
      contents.clean = false;  // a torn last line
      break;
    }
    std::string_view line = all.substr(pos, end - pos);
    pos = end + 1;
    char tag = line.size() >= 2 && line[1] == '\t' ? line[0] : '\0';
    if (tag == 'I' && ParseImageLine(line, &contents.images)) continue;
    if (tag == 'E') {
      std::optional<IndexEntry> entry = ParseEntryLine(line, contents.images, disks);
      if (entry) {
        ++contents.lines;
        if (auto row = position.Find(entry->summary.name)) {
          summaries[*row] = std::move(entry->summary);
          stamps[*row] = entry->stamp;
        } else {
          summaries.push_back(std::move(entry->summary));
          stamps.push_back(entry->stamp);
          position.Insert(static_cast<uint32_t>(summaries.size() - 1));
        }
        continue;
      }
    }
    if (tag == 'R') {
      FieldReader r(line);
      r.Raw();
      auto name = r.Text();
      if (name && !name->empty() && r.AtEnd()) {
        ++contents.lines;
        if (auto row = position.Find(*name)) {
          RemoveRow(summaries, stamps, position, *name, *row);
        }
        continue;
      }
    }
    contents.clean = false;  // a malformed line: trust nothing after it
    break;
  }
  disks->SetImages(contents.images.Table());
  return contents;
}

std::string FormatIndexLines(const std::vector<IndexEntry>& entries,
                             const std::vector<std::string>& removals, IndexImages* images) {
  std::string out;
  for (const auto& e : entries) {
    const CheckpointSummary& s = e.summary;
    std::string line = "E";
    AppendNumber(&line, e.stamp.device);
    AppendNumber(&line, e.stamp.inode);
    AppendNumber(&line, e.stamp.size);
    AppendNumber(&line, e.stamp.mtime_ns);
    AppendNumber(&line, e.stamp.ctime_ns);
    AppendField(&line, s.name);
    AppendField(&line, s.parent);
    AppendField(&line, std::to_string(s.creation_time));
    AppendField(&line, CheckpointStateToString(s.state));
    AppendField(&line, s.owner);
    AppendNumber(&line, s.link_seq);
    AppendField(&line, s.has_domain ? "1" : "0");
    AppendField(&line, s.names_other_bitmaps ? "1" : "0");
    AppendNumber(&line, s.disks().size());
    for (const auto& d : s.disks()) {
      AppendField(&line, d.target);
      AppendField(&line, conf::CheckpointTypeToString(d.type));
      AppendField(&line, d.bitmap);
      AppendNumber(&line, images->Number({d.source, d.format, d.virtual_size}, &out));
    }
    out += line;
    out += '\n';
  }
  for (const auto& name : removals) {
    out += "R";
    AppendField(&out, name);
    out += '\n';
  }
  return out;
}

std::string FormatIndex(const std::vector<IndexEntry>& entries, IndexImages* images) {
  *images = IndexImages();
  return std::string(kHeader) + "\n" + FormatIndexLines(entries, {}, images);
}

}  // namespace virtckpt::store::files
