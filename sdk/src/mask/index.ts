export { maskAddress } from './address.ts';
export { maskIdPublic, maskIdStaff } from './id-number.ts';
export { maskPersonName } from './person-name.ts';
export { maskPhone } from './phone.ts';
