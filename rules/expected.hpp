// Errors as values for the pure rules library (no exceptions cross its interface).
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace slawatch::rules {

/// One problem found in user input (a rules file, an event, an argument).
/// `line` and `column` are 1-based; 0 means "not known".
struct problem {
  std::string file;
  int line = 0;
  int column = 0;
  std::string path;     ///< key path inside the document, e.g. `policies[0].clocks.triage.target`
  std::string message;  ///< what is wrong, in words a platform engineer understands
};

/// Renders `file:line:col: path: message` (parts that are unknown are left out).
std::string to_string(const problem& p);

/// A value or the reason there is none.  Deliberately tiny: C++17 has no std::expected and the
/// rules library must not depend on CAF.
template <class T, class E = std::string>
class expected {
 public:
  expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  static expected failure(E error) { return expected(std::in_place_index<1>, std::move(error)); }

  explicit operator bool() const noexcept { return state_.index() == 0; }
  T& operator*() { return std::get<0>(state_); }
  const T& operator*() const { return std::get<0>(state_); }
  T* operator->() { return &std::get<0>(state_); }
  const T* operator->() const { return &std::get<0>(state_); }
  const E& error() const { return std::get<1>(state_); }

 private:
  template <std::size_t I, class U>
  expected(std::in_place_index_t<I> tag, U&& u) : state_(tag, std::forward<U>(u)) {}
  std::variant<T, E> state_;
};

}  // namespace slawatch::rules
