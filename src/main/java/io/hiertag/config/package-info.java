/** The one typed view of the application's settings; nothing else reads raw configuration strings. */
package io.hiertag.config;
