#include "conf/device_hotplug.hpp"

#include "util/error.hpp"

namespace virtckpt::conf {

namespace {

const xml::Node& DiskDevice(const xml::Node& device) {
  if (device.name() != "disk") {
    throw util::Error(util::ErrorCode::OperationUnsupported,
                      "only <disk> devices can be attached or detached, "
                      "not <" +
                          device.name() + ">");
  }
  return device;
}

}  // namespace

void AttachDevice(DomainDef* def, const xml::Node& device) { def->AttachDisk(DiskDevice(device)); }

void DetachDevice(DomainDef* def, const xml::Node& device) {
  def->DetachDisk(ParseDomainDisk(DiskDevice(device)).target_dev);
}

}  // namespace virtckpt::conf
