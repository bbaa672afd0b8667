#pragma once

#include <cstdio>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace secinfo::cli {

// Prints "secinfo: <what>" on stderr and returns the exit status of a refused command (1).
inline int Fail(const std::string& what) {
  std::fprintf(stderr, "secinfo: %s\n", what.c_str());
  return 1;
}

// What an admin command runs with: the open database, the clock, and the --tenant it was given.
struct AdminContext {
  store::Store& store;
  const Clock& clock;
  const std::string& tenant_domain;  // empty for commands without --tenant
  std::string key_file = "";         // the master key's file (setting security.key_file)
};

// A group of `secinfo admin` subcommands (greetings, security questions, ...). The constructor
// declares them on the `admin` command; main runs the group whose command was parsed. Adding a
// group is its own xxx_commands.{h,cc} plus one line in main.cc.
class CommandGroup {
 public:
  virtual ~CommandGroup() = default;
  // True when one of the group's commands is on the command line.
  virtual bool parsed() const = 0;
  // REQUIRES: parsed(). Runs it and returns the exit status.
  virtual int Run(const AdminContext& context) const = 0;
};

// A group whose every command names a tenant with --tenant: an unknown domain is refused before
// the command runs.
class TenantCommandGroup : public CommandGroup {
 public:
  int Run(const AdminContext& context) const final {
    auto tenant = context.store.tenants().FindByDomain(context.tenant_domain);
    if (!tenant.ok()) return Fail("no tenant has the domain " + context.tenant_domain);
    return RunFor(context.store, *tenant, context.clock);
  }

 protected:
  // REQUIRES: parsed().
  virtual int RunFor(store::Store& s, const store::Tenant& tenant, const Clock& clock) const = 0;
};

}  // namespace secinfo::cli
