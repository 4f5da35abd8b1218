#include "driver.hpp"
namespace oracle {
void cases_obj() {}
void cases_attach() {}
void cases_ids_info() {}
void cases_misc() {}
void cases_injected() {}
void cases_unprivileged() {}
}
