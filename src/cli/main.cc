// The argus executable: `argus serve`, `argus migrate sql`, `argus clients ...`, `argus config
// ...`.
#include "cli/commands.h"

int main(int argc, char** argv) {
  return argus::cli::run(argc, argv);
}
