#include "driver.hpp"
namespace oracle {
void cases_unprivileged() {}
}
