#include <span>

#include "web/pages.h"

namespace secinfo::web {

// The page module of each method kind's wizard, defined in its own file. A new kind's pages are
// one declaration and one entry here.
std::span<const PageRoute> PhonePages();
std::span<const PageRoute> EmailPages();
std::span<const PageRoute> AuthenticatorPages();
std::span<const PageRoute> PushPages();
std::span<const PageRoute> QuestionsPages();

std::vector<PageRoute> KindPageRoutes() {
  std::vector<PageRoute> all;
  for (auto module : {PhonePages, EmailPages, AuthenticatorPages, PushPages, QuestionsPages}) {
    const std::span<const PageRoute> routes = module();
    all.insert(all.end(), routes.begin(), routes.end());
  }
  return all;
}

}  // namespace secinfo::web
