/** JDBC helpers shared by the services that have a database. */
package dev.promptengine.service.sql;
