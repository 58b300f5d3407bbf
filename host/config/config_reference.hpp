#pragma once
// The configuration reference as Markdown, rendered from the key registry
// (config_keys.cpp): docs/reference/config.md is this text, written by
// `darkscan config --markdown`, and a test fails when the two differ.
#include <string>

namespace darkscan::config {

std::string reference_markdown();

}  // namespace darkscan::config
