//! Users, sessions and the one-time bootstrap token.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Millis, Result, Store, StoreError, User, is_unique_violation};

/// A user to create. The password is already hashed (argon2, by the server).
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub department_id: Option<String>,
    pub entity_id: Option<String>,
}

const USER_COLS: &str = "id, username, role, department_id, entity_id";

fn user(row: &AnyRow) -> Result<User> {
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        role: row.try_get("role")?,
        department_id: row.try_get("department_id")?,
        entity_id: row.try_get("entity_id")?,
    })
}

const BOOTSTRAP_KEY: &str = "bootstrap_token_hash";

async fn insert_user(conn: &mut sqlx::AnyConnection, u: &NewUser, now: Millis) -> Result<User> {
    let row = sqlx::query(
        "INSERT INTO users (username, password_hash, role, department_id, entity_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, username, role, department_id, entity_id",
    )
    .bind(u.username.clone())
    .bind(u.password_hash.clone())
    .bind(u.role.clone())
    .bind(u.department_id.clone())
    .bind(u.entity_id.clone())
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::Conflict(format!("the username \"{}\" is taken", u.username))
        } else {
            e.into()
        }
    })?;
    user(&row)
}

impl Store {
    /// Create a user.
    pub async fn create_user(&self, u: &NewUser, now: Millis) -> Result<User> {
        let mut tx = self.write.begin().await?;
        let out = insert_user(&mut tx, u, now).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Every user, by id.
    pub async fn list_users(&self, limit: i64, offset: i64) -> Result<crate::Page<User>> {
        let total: i64 =
            sqlx::query("SELECT COUNT(*) FROM users").fetch_one(&self.read).await?.try_get(0)?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLS} FROM users ORDER BY id LIMIT $1 OFFSET $2"
        )))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.read)
        .await?;
        let items = rows.iter().map(user).collect::<Result<_>>()?;
        Ok(crate::Page { items, total, limit, offset })
    }

    /// Every username, by id (to compare them in a normal form the database cannot compute).
    pub async fn usernames(&self) -> Result<Vec<String>> {
        let rows =
            sqlx::query("SELECT username FROM users ORDER BY id").fetch_all(&self.read).await?;
        rows.iter().map(|r| Ok(r.try_get("username")?)).collect()
    }

    /// The user with this username and its password hash.
    pub async fn user_for_login(&self, username: &str) -> Result<Option<(User, String)>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLS}, password_hash FROM users WHERE username = $1"
        )))
        .bind(username.to_string())
        .fetch_optional(&self.read)
        .await?;
        row.map(|r| Ok((user(&r)?, r.try_get("password_hash")?))).transpose()
    }

    /// How many admins exist.
    pub async fn admin_count(&self) -> Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) FROM users WHERE role = 'admin'")
            .fetch_one(&self.read)
            .await?
            .try_get(0)?)
    }

    /// Store the hash of a new bootstrap token (replacing any earlier one).
    pub async fn set_bootstrap_hash(&self, hash: &str) -> Result<()> {
        self.set_setting(BOOTSTRAP_KEY, hash).await
    }

    /// Spend the bootstrap token with this hash and create the first admin, in one
    /// transaction. `Ok(None)` when the token is wrong, already spent, or an admin exists.
    pub async fn bootstrap_admin(
        &self,
        token_hash: &str,
        admin: &NewUser,
        now: Millis,
    ) -> Result<Option<User>> {
        let mut tx = self.write.begin().await?;
        let spent = sqlx::query("DELETE FROM settings WHERE key = $1 AND value = $2")
            .bind(BOOTSTRAP_KEY)
            .bind(token_hash.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let admins: i64 = sqlx::query("SELECT COUNT(*) FROM users WHERE role = 'admin'")
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        if spent != 1 || admins > 0 {
            return Ok(None);
        }
        let u = insert_user(&mut tx, admin, now).await?;
        tx.commit().await?;
        Ok(Some(u))
    }

    /// Record a session token's hash.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        now: Millis,
        expires_at: Millis,
    ) -> Result<()> {
        let mut tx = self.write.begin().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked) \
             VALUES ($1, $2, $3, $4, 0)",
        )
        .bind(token_hash.to_string())
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The user of a live (unexpired, unrevoked) session.
    pub async fn session_user(&self, token_hash: &str, now: Millis) -> Result<Option<User>> {
        let row = sqlx::query(
            "SELECT u.id, u.username, u.role, u.department_id, u.entity_id \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.revoked = 0 AND s.expires_at > $2",
        )
        .bind(token_hash.to_string())
        .bind(now)
        .fetch_optional(&self.read)
        .await?;
        row.as_ref().map(user).transpose()
    }

    /// Revoke a session.
    pub async fn revoke_session(&self, token_hash: &str) -> Result<()> {
        let mut tx = self.write.begin().await?;
        sqlx::query("UPDATE sessions SET revoked = 1 WHERE token_hash = $1")
            .bind(token_hash.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
