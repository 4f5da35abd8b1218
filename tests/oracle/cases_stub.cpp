#include "driver.hpp"
namespace oracle {
void cases_injected() {}
void cases_unprivileged() {}
}
