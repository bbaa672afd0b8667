#pragma once

// The kinds of security info, on their own so that stored records (store/types.h) can name their
// kind without the registry's dependencies. What each kind is and can do: methods/registry.h.
namespace secinfo::methods {

enum class MethodKind { kPhone, kAuthenticator, kEmail, kQuestions };

}  // namespace secinfo::methods
