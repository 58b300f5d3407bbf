#pragma once
// Version, commit and compiled-in backends of this build (the commit is refreshed at
// every build by cmake/WriteVersionInfo.cmake).
#include <string_view>

namespace darkscan {
std::string_view version();
std::string_view commit();
}  // namespace darkscan
