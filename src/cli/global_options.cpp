#include "cli/global_options.hpp"

#include <optional>

#include "cli/command_line.hpp"

namespace virtckpt::cli {

namespace {

enum class Takes { Nothing, Value, OptionalValue };

struct OptionSpec {
  char letter;
  const char* long_name;  // nullptr: no long form
  Takes takes;            // the short form takes a value only when this is Value
};

constexpr OptionSpec kOptions[] = {
    {'c', "connect", Takes::Value},         {'h', "help", Takes::Nothing},
    {'q', "quiet", Takes::Nothing},         {'r', "readonly", Takes::Nothing},
    {'v', "version", Takes::OptionalValue}, {'V', nullptr, Takes::Nothing},
};

const OptionSpec* FindShort(char letter) {
  for (const OptionSpec& spec : kOptions) {
    if (spec.letter == letter) return &spec;
  }
  return nullptr;
}

// The option NAME names exactly, else the only one it abbreviates; nullptr when none or several.
const OptionSpec* FindLong(const std::string& name) {
  const OptionSpec* abbreviated = nullptr;
  int abbreviations = 0;
  for (const OptionSpec& spec : kOptions) {
    if (!spec.long_name) continue;
    std::string long_name = spec.long_name;
    if (long_name == name) return &spec;
    if (long_name.compare(0, name.size(), name) == 0) {
      abbreviated = &spec;
      ++abbreviations;
    }
  }
  return abbreviations == 1 ? abbreviated : nullptr;
}

ParseError Unsupported(const std::string& option) {
  return ParseError("unsupported option '" + option + "'. See --help.");
}

ParseError MissingValue(const OptionSpec& spec) {
  return ParseError(std::string("option '-") + spec.letter + "'/'--" + spec.long_name +
                    "' requires an argument");
}

// Applies one option; true when it ends the parsing.
bool Apply(const OptionSpec& spec, const std::optional<std::string>& value,
           GlobalOptions& options) {
  switch (spec.letter) {
    case 'c':
      options.uri = *value;
      return false;
    case 'q':
      options.quiet = true;
      return false;
    case 'r':
      options.readonly = true;
      return false;
    case 'h':
      options.action = GlobalOptions::Action::Help;
      return true;
    case 'v':
      options.action = value == "long" ? GlobalOptions::Action::LongVersion
                                       : GlobalOptions::Action::ShortVersion;
      return true;
    case 'V':
      options.action = GlobalOptions::Action::LongVersion;
      return true;
  }
  return false;
}

}  // namespace

GlobalOptions ParseGlobalOptions(const std::vector<std::string>& args) {
  GlobalOptions options;
  size_t i = 0;
  while (i < args.size()) {
    const std::string& arg = args[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') break;
    ++i;
    if (arg[1] == '-') {
      size_t equals = arg.find('=');
      const OptionSpec* spec = FindLong(arg.substr(2, equals - 2));
      if (!spec) throw Unsupported(arg);
      std::optional<std::string> value;
      if (equals != std::string::npos) value = arg.substr(equals + 1);
      if (value && spec->takes == Takes::Nothing)
        throw Unsupported(std::string("-") + spec->letter);
      if (!value && spec->takes == Takes::Value) {
        if (i == args.size()) throw MissingValue(*spec);
        value = args[i++];
      }
      if (Apply(*spec, value, options)) return options;
      continue;
    }
    for (size_t k = 1; k < arg.size(); ++k) {
      const OptionSpec* spec = FindShort(arg[k]);
      if (!spec) throw Unsupported(std::string("-") + arg[k]);
      if (spec->takes != Takes::Value) {
        if (Apply(*spec, std::nullopt, options)) return options;
        continue;
      }
      std::string value;
      if (k + 1 < arg.size()) {
        value = arg.substr(k + 1);
      } else if (i < args.size()) {
        value = args[i++];
      } else {
        throw MissingValue(*spec);
      }
      Apply(*spec, value, options);
      break;
    }
  }
  options.words.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  return options;
}

}  // namespace virtckpt::cli
