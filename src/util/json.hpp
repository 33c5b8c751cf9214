// A small JSON writer for --json output.
#pragma once

#include <cstdint>
#include <string>

namespace virtckpt::util {

// A JSON string: quotes, backslashes and control characters escaped; bytes that are not
// well-formed UTF-8 become U+FFFD, so that the output is always valid UTF-8 JSON.
std::string JsonQuote(const std::string& text);

// Builds one JSON value with commas placed automatically; keys only inside objects.
class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(const std::string& key);
  JsonWriter& String(const std::string& value);
  JsonWriter& Number(int64_t value);
  JsonWriter& Unsigned(uint64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // A string, or null when empty.
  JsonWriter& StringOrNull(const std::string& value);
  const std::string& str() const { return out_; }

 private:
  void Separate();
  std::string out_;
  bool need_comma_ = false;
};

}  // namespace virtckpt::util
