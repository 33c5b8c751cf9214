#include "cli/usage.hpp"

#include <libxml/xmlversion.h>

#include <boost/version.hpp>

#include "cli/help.hpp"

namespace virtckpt::cli {

std::string UsageText() {
  return "\n"
         "virtckpt [options]... [<command_string>]\n"
         "virtckpt [options]... <command> [args...]\n"
         "\n"
         "  options:\n"
         "    -c | --connect=DIR      store directory (or postgresql:// URI)\n"
         "    -h | --help             this help\n"
         "    -q | --quiet            quiet mode\n"
         "    -r | --readonly         connect readonly\n"
         "    -v                      short version\n"
         "    -V                      long version\n"
         "         --version[=TYPE]   version, TYPE is short or long (default short)\n"
         "  commands (non interactive mode):\n"
         "\n" +
         FormatUsageCommandList();
}

std::string LongVersionText() {
  std::string boost = std::to_string(BOOST_VERSION / 100000) + "." +
                      std::to_string(BOOST_VERSION / 100 % 1000) + "." +
                      std::to_string(BOOST_VERSION % 100);
  return "Virtckpt command line tool " VIRTCKPT_VERSION
         "\n"
         "\n"
         "Compiled with support for:\n"
         " Stores: Directory\n"
         " Libraries: libxml2 " LIBXML_DOTTED_VERSION " Boost.Filesystem " +
         boost + "\n";
}

}  // namespace virtckpt::cli
