// Hot-plug of a device document (attach-device, detach-device): virtckpt keeps disks only, so
// only <disk> devices can be attached or detached.
#pragma once

#include "conf/domain_def.hpp"
#include "xml/node.hpp"

namespace virtckpt::conf {

// Throws Error(Unsupported) for a device other than <disk>, else as DomainDef::AttachDisk.
void AttachDevice(DomainDef* def, const xml::Node& device);
// Throws Error(Unsupported) for a device other than <disk>, else as ParseDomainDisk and
// DomainDef::DetachDisk (the disk is found by its target).
void DetachDevice(DomainDef* def, const xml::Node& device);

}  // namespace virtckpt::conf
