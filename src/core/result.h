#pragma once

#include <QList>
#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace hearth {

// Error kinds map one-to-one onto hearthctl exit codes, so scripts can tell them apart.
enum class ErrorCode {
    Usage = 2,
    Validation = 3,
    WrongPasscode = 4,
    LockedOut = 5,
    NotFound = 6,
    Corrupt = 7,
    Io = 8,
    Conflict = 9,
    Unsupported = 10,
    Network = 11,
    Refused = 12,
};

struct FieldError {
    QString field;
    QString message;
};

// An error a person can act on; `fields` carries per-field detail for validation failures.
struct Error {
    ErrorCode code = ErrorCode::Io;
    QString message;
    QList<FieldError> fields;

    [[nodiscard]] QString toString() const;
};

template<typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_v(std::move(value)) {}
    Result(Error error) : m_v(std::move(error)) {}

    [[nodiscard]] bool ok() const { return std::holds_alternative<T>(m_v); }
    explicit operator bool() const { return ok(); }
    [[nodiscard]] const T &value() const & { return std::get<T>(m_v); }
    [[nodiscard]] T &value() & { return std::get<T>(m_v); }
    // By value, so `for (x : f().value())` does not dangle.
    [[nodiscard]] T value() && { return std::get<T>(std::move(m_v)); }
    [[nodiscard]] const Error &error() const { return std::get<Error>(m_v); }

private:
    std::variant<T, Error> m_v;
};

// For operations that return nothing but may fail.
class [[nodiscard]] Status
{
public:
    Status() = default;
    Status(Error error) : m_error(std::move(error)) {}
    static Status success() { return {}; }

    [[nodiscard]] bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    [[nodiscard]] const Error &error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

inline Error makeError(ErrorCode code, QString message, QList<FieldError> fields = {})
{
    return Error{code, std::move(message), std::move(fields)};
}

} // namespace hearth
