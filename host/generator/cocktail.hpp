#pragma once
// The background cocktail of the toy generator: for each process of the catalogue
// (darkscan/generator/background_catalogue.hpp: names and cross sections), the pair of
// vertex sources that make its candidates and its surroundings
// (darkscan/generator/background_process.hpp).
#include "darkscan/generator/background_catalogue.hpp"
#include "darkscan/generator/background_process.hpp"

namespace darkscan::generator {

// The model of process `i` of the catalogue for the given collision.
BackgroundModel background_model(int i, const Collision& collision);

}  // namespace darkscan::generator
