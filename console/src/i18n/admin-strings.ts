/**
 * Imported first by the settings area and the Agency View (an import for its effect, so it runs before
 * their screens' modules): adds the administrators' strings to the catalog when their chunk loads.
 */
import { addStrings } from "../core/i18n";
import { admin } from "./en/admin";

addStrings(admin);
